"""The audit trail: an event's canonical form, the hash chain, checkpoints, the JSON export file
and its offline verifier, and the signatures checked when the chain is verified."""
