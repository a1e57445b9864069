{"key": "latchkey://default/OPENAI_API_KEY", "other": "latchkey://nope/X"}
