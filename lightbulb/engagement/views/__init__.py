"""The engagement log, flags, relationship health, surveys and ward briefing packs."""
