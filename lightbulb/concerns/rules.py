"""Who may raise, read and act on concerns, counter-fraud figures and the risk register.

Decisions (the README's role table says the same):
- concerns are restricted (PRODUCT.md §2.11): only investigators read a concern, its
  reporter, notes, evidence and action ladder, and take its steps; every view and change
  is written to the hash-chained access log;
- anyone who works for the council raises a concern in the product; a member of an
  organisation raises one in the portal; the public report one from the public page,
  anonymously if they choose, and check its status (status only) with the reference and
  follow-up code they were given;
- administrators keep the triage time (a setting) and who holds the investigator role,
  never a concern's contents;
- councillors see aggregate counts only (by status, no names);
- officers, councillors and organisations never reach a concern's page: 403 on the
  register's pages, and the concern itself is 404 to anyone but an investigator;
- the risk register: officers manage risks and set the council's risk appetite per area
  (administrators may set the appetite too, as a setting); investigators and councillors
  read the register.

An investigator's step that holds or claws back payments or ends an agreement goes through
funding's own services, which let an investigator through only inside that step (see
`counter_fraud_step` in lightbulb/funding/rules.py).
"""

from __future__ import annotations

from lightbulb.core.rules import is_admin, is_council_user, is_councillor, is_investigator, is_officer, is_system, is_vcs

can_read_concerns = is_investigator
can_manage_concerns = is_investigator
can_raise_concern = is_council_user
can_raise_concern_in_portal = is_vcs
can_manage_concern_settings = is_admin
# Councillors see how many concerns there are by status, nothing more.
can_see_concern_counts = is_councillor | is_investigator
can_read_counter_fraud = is_investigator
# The daily duty checks the access log's chain as the system; investigators check it on their page.
can_verify_access_log = is_investigator | is_system

# The risk register
can_read_risks = is_officer | is_investigator | is_councillor
can_manage_risks = is_officer
can_set_risk_appetite = is_officer | is_admin
