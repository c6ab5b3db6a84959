"""The procedures the engine hosts, one folder each: its invariants, legal gates, separation of
duties and articles. Stage and step names appear only here and in the workflow files."""
