"""People: chats, what they follow, their alert preferences, the admins."""
