"""Domain services shared by the web pages and the CLI: every database change goes through here."""
