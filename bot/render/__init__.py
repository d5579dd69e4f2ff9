"""How commitments look in a chat: figures, targets, deadlines, list lines and cards, in the reader's language."""
