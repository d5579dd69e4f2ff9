"""Handlers by feature. Each module lists its HANDLERS (and its menu COMMANDS); registration is in bot.app."""
