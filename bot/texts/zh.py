"""中文（默认）。Placeholders in braces are filled by bot.texts.t; values from users are escaped first."""

TEXTS = {
    "welcome": (
        "👋 你好，{name}！我是<b>落实</b>：一个跟踪政府承诺的机器人。\n\n"
        "我从新闻报道中找出承诺——目标、数值和期限（例如“到2025年集成电路产业规模突破500亿元”），"
        "记录每一条进展和证据，并在期限临近、出现新报道时提醒关注它的人。\n\n"
        "发送 /help 查看可以做什么。English: /lang en"
    ),
    "help_header": "<b>落实能做什么</b>",
    "help_footer": "界面语言：/lang zh 或 /lang en",
    "lang_set": "好的，以后用中文和你交流。",
    "lang_usage": "用法：/lang zh（中文）或 /lang en（English）。当前：{current}",
    "lang_name_zh": "中文",
    "lang_name_en": "English",
    "unknown_command": "我不认识命令 {command}。发送 /help 查看可用的命令。",
    "plain_text_hint": "我只听得懂命令。发送 /help 查看可以做什么。",
    "error_user": "抱歉，处理时出了问题，已记录下来。请稍后再试。",
    "error_admin": "⚠️ 处理更新时出错：<code>{error}</code>\n更新：<code>{update}</code>",
    "cmd_start": "开始使用",
    "cmd_help": "能做什么",
    "cmd_lang": "切换语言（zh / en）",
}
