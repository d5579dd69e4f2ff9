"""English. Placeholders in braces are filled by bot.texts.t; values from users are escaped first."""

TEXTS = {
    "welcome": (
        "👋 Hello, {name}! I am <b>Luoshi</b> (落实), a bot that keeps track of what governments promise.\n\n"
        "I find commitments in news coverage — a target, a figure and a deadline (say, \"by 2025 the "
        "integrated-circuit industry exceeds 50 billion yuan\") — keep every progress report with its evidence, "
        "and tell the people who follow a commitment when its deadline approaches and when new coverage arrives.\n\n"
        "Send /help to see what you can do. 中文：/lang zh"
    ),
    "help_header": "<b>What Luoshi can do</b>",
    "help_footer": "Interface language: /lang zh or /lang en",
    "lang_set": "OK, I will speak English with you from now on.",
    "lang_usage": "Usage: /lang zh (中文) or /lang en (English). Now: {current}",
    "lang_name_zh": "中文",
    "lang_name_en": "English",
    "unknown_command": "I don't know the command {command}. Send /help to see what I can do.",
    "plain_text_hint": "I only understand commands. Send /help to see what I can do.",
    "error_user": "Sorry, something went wrong while handling that; it has been logged. Please try again later.",
    "error_admin": "⚠️ Error while handling an update: <code>{error}</code>\nUpdate: <code>{update}</code>",
    "cmd_start": "Get started",
    "cmd_help": "What I can do",
    "cmd_lang": "Switch language (zh / en)",
}
