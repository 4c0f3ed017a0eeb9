"""Action-group Lambda of the Bedrock agent: runs guarded SQL and serves the schema catalog."""
