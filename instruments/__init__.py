"""Questionnaires and index frameworks as data files, and their loaders (no Flask)."""
