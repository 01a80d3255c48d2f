"""Anytown's commissioning: agreements over five financial years, their returns, payments and decommissionings.

Each step here is a demo generator step `(rng, scale, ctx)`. Rows are written
with `bulk_create` in batches, as the services would leave them: references
AGR-<year>-NNNN, life-cycle transitions allowed by `funding.lifecycle.ALLOWED`
in date order, due diligence meeting each awarded agreement's tier, returns and
payments on the agreement's own schedule.

By responsibility:

- `planning`: drawing one agreement (kind, amount, route, term, conditions) and chains of successors;
- `lifecycle`: the statuses each agreement has passed through, and when;
- `featured`: the agreements every journey of the demo hangs on (the vcs user's, the decommissionings);
- `agreements`: the `seed_agreements` step, which plans them and writes them with their history;
- `returns`, `payments`, `monitoring`: the `seed_returns_and_payments` step;
- `decommissioning`: the `seed_decommissioning` step;
- `variations`: the `seed_variations` step (an increase and a reduction of live agreements);
- `messages`: the `seed_messages` step (held payments, notices and variations, as the outbox routes them);
- `common`: what the steps share (`AgreementInfo`, the featured names, money helpers).
"""

from lightbulb.demo.commissioning.agreements import seed_agreements
from lightbulb.demo.commissioning.common import AgreementInfo
from lightbulb.demo.commissioning.decommissioning import seed_decommissioning
from lightbulb.demo.commissioning.messages import seed_messages
from lightbulb.demo.commissioning.monitoring import seed_returns_and_payments
from lightbulb.demo.commissioning.variations import seed_variations

__all__ = ["AgreementInfo", "seed_agreements", "seed_decommissioning", "seed_messages", "seed_returns_and_payments", "seed_variations"]
