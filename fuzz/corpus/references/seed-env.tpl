OPENAI_API_KEY=latchkey://default/OPENAI_API_KEY
URL=https://x/${latchkey://prod/DB}
