"""Workflow definitions as data: the model, the TOML loader, the cache of parsed files, the
diagram. Knows no procedure: what a workflow must contain is each procedure's business."""
