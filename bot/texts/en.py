"""English. Placeholders in braces are filled by bot.texts.t; values from users are escaped first."""

TEXTS = {
    "welcome": (
        "👋 Hello, {name}! I am <b>Luoshi</b> (落实), a bot that keeps track of what governments promise.\n\n"
        'I find commitments in news coverage — a target, a figure and a deadline (say, "by 2025 the '
        'integrated-circuit industry exceeds 50 billion yuan") — keep every progress report with its evidence, '
        "and tell the people who follow a commitment when its deadline approaches and when new coverage arrives.\n\n"
        "Send /help to see what you can do. 中文：/lang zh"
    ),
    "help_header": "<b>What Luoshi can do</b>",
    "help_footer": "Interface language: /lang zh or /lang en",
    "help_admin_hint": "You are an admin: /admin lists the admin commands.",
    "lang_set": "OK, I will speak English with you from now on.",
    "lang_set_group": "OK, I will speak English in this group from now on.",
    "lang_usage": "Usage: /lang zh (中文) or /lang en (English). Now: {current}",
    "lang_name_zh": "中文",
    "lang_name_en": "English",
    "unknown_command": "I don't know the command {command}. Send /help to see what I can do.",
    "unknown_command_asked": "I don't know the command {command}. The question above still waits for your answer; "
    "send /cancel to stop.",
    "plain_text_hint": "I only understand commands. Send /help to see what I can do.",
    "unknown_button": "This button no longer works. Send /help to see what I can do.",
    "too_fast": "⏳ You are sending too fast, so I skipped some messages. Please wait a few seconds.",
    "error_user": "Sorry, something went wrong while handling that; it has been logged. Please try again later.",
    "error_admin": "⚠️ Error while handling an update: <code>{error}</code>\nUpdate: <code>{update}</code>",
    "cmd_start": "Get started",
    "cmd_help": "What I can do",
    "cmd_lang": "Switch language (zh / en)",
    # --- Browsing, following, progress, calendar and export (readers and journalists) ---
    "cmd_list": "Browse commitments (filter by status, tag, place, plan)",
    "cmd_show": "One commitment's card: /show ID",
    "cmd_search": "Search commitments: /search WORDS",
    "cmd_upcoming": "Deadlines coming up: /upcoming [days]",
    "cmd_chart": "Progress chart: /chart ID",
    "cmd_follow": "Follow: /follow ID|tag|place|all",
    "cmd_unfollow": "Stop following: /unfollow ID|tag|place|all",
    "cmd_following": "What you follow",
    "cmd_alerts": "Alert settings (lead times, overdue, quiet hours, digest)",
    "cmd_calendar": "Calendar of followed deadlines (.ics)",
    "cmd_export": "Export followed commitments (CSV)",
    "cmd_tz": "Set your time zone: /tz Europe/Berlin",
    "status_not_rated": "not yet rated",
    "status_in_progress": "in progress",
    "status_on_track": "on track",
    "status_at_risk": "at risk",
    "status_stalled": "stalled",
    "status_achieved": "achieved",
    "status_partly_achieved": "partly achieved",
    "status_missed": "missed",
    "status_revised": "revised",
    "status_overdue": "overdue, verdict pending",
    "cmp_>=": "at least {value}",
    "cmp_>": "over {value}",
    "cmp_~": "about {value}",
    "cmp_<=": "at most {value}",
    "cmp_<": "under {value}",
    "cmp_=": "{value}",
    "no_target": "no figure",
    "deadline_none": "no deadline",
    "deadline_left": "{date} ({days} days left)",
    "deadline_left_one": "{date} (1 day left)",
    "deadline_today": "{date} (due today)",
    "deadline_overdue": "{date} ({days} days ago)",
    "deadline_overdue_one": "{date} (1 day ago)",
    "list_header": "<b>Commitments</b> ({total}, page {page}/{pages})",
    "list_filters": "Filters: {filters}",
    "list_hint": "Press a button for the card, or send /show ID.",
    "list_empty": "There are no commitments yet.",
    "list_empty_filtered": "No commitment matches these filters. Press “Clear filters” to see them all.",
    "filter_status": "status={value}",
    "filter_tag": "tag={value}",
    "filter_place": "place={value}",
    "filter_plan": "plan=#{value}",
    "filter_pick_s": "Filter by status:",
    "filter_pick_t": "Filter by tag:",
    "filter_pick_p": "Filter by place:",
    "filter_pick_n": "Filter by plan (the plan and its parts):",
    "filter_none_available": "(nothing to choose from)",
    "btn_prev": "◀ Previous",
    "btn_next": "Next ▶",
    "btn_filter_s": "🔖 Status",
    "btn_filter_t": "🏷 Tag",
    "btn_filter_p": "📍 Place",
    "btn_filter_n": "🗂 Plan",
    "btn_clear_filters": "✖ Clear filters",
    "btn_any": "Any",
    "btn_back": "« Back to the list",
    "list_gone": "This list has expired; send /list again.",
    "card_demo": "🧪 Demo data",
    "card_target": "🎯 Target: {target}",
    "card_deadline": "📅 Deadline: {deadline}",
    "card_period": "🗓 Period: {start} — {end}",
    "card_place": "📍 Place: {place}",
    "card_issuer": "🏛 Issued by: {issuer}",
    "card_parent": "🗂 Part of: {plan}",
    "card_children": "🧩 Parts ({count}): {items}",
    "card_children_more": "and {count} more",
    "card_tags": "🏷 Tags: {tags}",
    "card_status": "📌 Status: {status}",
    "card_latest": "📈 Latest: {value} ({date}), {share} of the target",
    "card_latest_noshare": "📈 Latest: {value} ({date})",
    "card_no_progress": "📈 No progress reported yet",
    "card_quote": "💬 {quote}",
    "card_evidence_header": "<b>Evidence</b>",
    "card_evidence_none": "(no evidence yet)",
    "card_evidence_more": "… and {count} earlier entries",
    "evidence_link": "source",
    "evidence_progress": "progress",
    "evidence_official_claim": "official claim",
    "evidence_verdict": "verdict",
    "evidence_note": "note",
    "card_suggestion": "💡 Suggested mark: {status}",
    "reason_no_progress": "🧮 No progress figures yet, so no judgement.",
    "reason_reached": "🧮 The latest figure, {latest}, has reached the target of {target}.",
    "reason_final_met": "🧮 By the deadline: {latest} against a target of {target}: met.",
    "reason_final_missed": "🧮 By the deadline: {latest} against a target of {target}: missed.",
    "reason_no_final": (
        "🧮 The deadline has passed and no figure for it is known yet; the last was {latest} ({date}), "
        "against a target of {target}."
    ),
    "reason_pace": (
        "🧮 {latest} in {year0} → {target} by {year1} needs about {needed} a year; {growth} a year "
        "({source}) reaches about {projected}."
    ),
    "reason_rate": "🧮 Latest {latest} against a target of {target}.",
    "reason_no_growth": (
        "🧮 {latest} in {year0} → {target} by {year1} needs about {needed} a year; no growth rate yet to project from."
    ),
    "reason_no_deadline": "🧮 No deadline, so no growth needed can be worked out.",
    "reason_short": "🧮 {share} of the target reached, {remaining} to go.",
    "reason_short_pace": (
        "🧮 {share} of the target reached, {remaining} to go; at {growth} a year ({source}) about {projected} "
        "by the deadline."
    ),
    "growth_reported": "as reported",
    "growth_observed": "as observed",
    "btn_follow": "⭐ Follow",
    "btn_unfollow": "✖ Unfollow",
    "btn_chart": "📈 Chart",
    "btn_plan": "🗂 Its plan",
    "btn_children": "🧩 Its parts",
    "show_usage": "Usage: /show ID, e.g. /show 3. Don't know the ID? Browse with /list or use /search.",
    "bad_id": "“{value}” is not a commitment ID (a whole number from 1, e.g. 3). Find IDs with /list or /search.",
    "unknown_commitment": "There is no commitment {id}. Browse with /list or use /search.",
    "archived_commitment": "Commitment #{id} is archived and no longer tracked. /list shows the ones that are.",
    "chart_usage": "Usage: /chart ID, e.g. /chart 3.",
    "chart_no_target": "Commitment #{id} has no figure as its target, so there is nothing to chart.",
    "chart_caption": "📈 #{id} {subject}",
    "chart_target": "target {target}",
    "chart_deadline": "deadline {date}",
    "chart_progress": "reported progress",
    "chart_projection": "projected at {growth} a year",
    "chart_needed": "path to the target ({growth} a year)",
    "chart_today": "today",
    "chart_no_points": "no progress reported yet",
    "search_usage": "Usage: /search WORDS, e.g. /search 集成电路. Chinese needs no spaces.",
    "search_header": "Commitments matching “{words}” ({count}):",
    "search_empty": "Nothing matches “{words}”. Try a shorter word, or browse with /list.",
    "upcoming_usage": "Usage: /upcoming [days], e.g. /upcoming 90 (1 to 3650; 30 if left out).",
    "upcoming_header_followed": "Followed commitments due in the next {days} days:",
    "upcoming_header_all": (
        "Commitments due in the next {days} days (you follow none yet, so all are shown; use /follow):"
    ),
    "upcoming_empty_followed": "Nothing you follow is due in the next {days} days.",
    "upcoming_empty_all": "Nothing is due in the next {days} days.",
    "upcoming_try_a_year": " Try /upcoming 365.",  # follows a sentence
    "follow_usage": (
        "Usage: /follow ID | tag | place | all\nFor example: /follow 3, /follow 集成电路, /follow 济南, /follow all"
    ),
    "unfollow_usage": "Usage: /unfollow ID | tag | place | all. /following lists what you follow.",
    "follow_unknown": "No commitment ID, tag or place “{value}”. Browse with /list or use /search.",
    "followed": (
        "⭐ Following {what}. I will tell you when its deadline nears or new coverage arrives. /following lists all."
    ),
    "already_following": "You already follow {what}.",
    "unfollowed": "Stopped following {what}.",
    "not_following": "You don't follow {what}. /following lists what you do.",
    "following_header": "<b>You follow</b> ({count}):",
    "following_empty": "You follow nothing yet. /follow ID follows one commitment, /follow all follows everything.",
    "following_drop_hint": "Press a button to stop following that.",
    "following_archived": " (archived)",
    "what_commitment": "#{id} {subject}",
    "what_plan": "plan #{id} {subject} (with its parts)",
    "what_tag": "tag “{name}”",
    "what_place": "place “{name}”",
    "what_all": "all commitments",
    "group_admins_only": "Only this group's admins can change its follows, alerts, time zone and language.",
    "toast_followed": "Following",
    "toast_unfollowed": "Unfollowed",
    "toast_gone": "You no longer follow that",
    "alerts_header": "<b>Alert settings</b>",
    "alerts_lead": "⏰ Reminders before a deadline: {days}",
    "alerts_overdue": "⌛ “Deadline passed, no verdict” prompts: {state}",
    "alerts_quiet": "🌙 Quiet hours: {hours}",
    "alerts_digest": "📬 Delivery: {mode}",
    "alerts_tz": "🕘 Time zone: {tz} (change with /tz)",
    "alerts_hint": "Press a button to change; ticked lead times are on.",
    "days_n": "{n} d",
    "days_none": "none",
    "on": "on",
    "off": "off",
    "quiet_none": "none",
    "digest_instant": "instant",
    "digest_daily": "daily digest",
    "digest_weekly": "weekly digest",
    "digest_weekly_on": "weekly digest ({day})",
    "weekday_0": "Mon",
    "weekday_1": "Tue",
    "weekday_2": "Wed",
    "weekday_3": "Thu",
    "weekday_4": "Fri",
    "weekday_5": "Sat",
    "weekday_6": "Sun",
    "btn_overdue_on": "Overdue prompts: on",
    "btn_overdue_off": "Overdue prompts: off",
    "calendar_caption": (
        "📅 {count} followed deadlines. Import the file into your calendar app (Apple, Google, Outlook) "
        "to be reminded before each deadline: {leads}."
    ),
    "calendar_empty": "None of what you follow has a deadline, or you follow nothing yet. Use /follow first.",
    "calendar_name": "Luoshi: followed deadlines",
    "calendar_event": "Due: {subject} (target: {target})",
    "calendar_alarm": "{subject}: due in {days} days",
    "calendar_alarm_one": "{subject}: due tomorrow",
    "calendar_alarm_today": "{subject}: due today",
    "export_caption": "📄 {count} followed commitments (CSV; opens in Excel, LibreOffice or Numbers).",
    "export_empty": "You follow no commitments yet, so there is nothing to export. Use /follow first.",
    "export_columns": (
        "ID|Subject|Comparator|Target|Unit|Deadline|Days left|Status|Latest value|Latest as of|"
        "Share of target (%)|Place|Issuer|Plan|Source"
    ),
    "tz_usage": "Usage: /tz ZONE, e.g. /tz Asia/Shanghai or /tz Europe/Berlin. Now: {tz}",
    "tz_set": "Time zone set to {tz}. Deadlines and alerts are timed in it.",
    "tz_unknown": (
        "I don't know the time zone “{value}”. Use an IANA name such as Asia/Shanghai, Europe/London or "
        "America/New_York."
    ),
    "bad_days": "“{value}” is not a number of days (1 to 3650).",
    "upcoming_overdue_header": "⏰ Deadline passed, no verdict yet ({count}):",
    "days_zero": "on the day",
    "alerts_saved": "Saved",
    # --- What admins do: adding, editing, feeding articles, review, feeds, broadcast ---
    "adm_refused": "Sorry, that is for admins. Ask the bot's owner if you need access.",
    "adm_owners_only": "Sorry, only the bot's owners can do that.",
    "adm_help": (
        "<b>Admin commands</b>\n"
        "/add — add a commitment (all in one line, or /add alone to be guided)\n"
        "/edit ID field value — change (subject, target, deadline, place, tags, parent, source, issuer)\n"
        "/archive ID — archive\n"
        "/setstatus ID status [evidence URL or quote] — rate (achieved, partly achieved, missed need evidence)\n"
        "/progress ID value date [source] — record progress\n"
        "/history ID — what changed\n"
        "/ingest URL — read an article; or paste, forward or upload a .txt / .html file\n"
        "/review [ID] — extraction results waiting for review (or one of them)\n"
        "/feeds add|list|remove|test — feeds\n"
        "/stats — figures · /admins — who is an admin · /health — delivery queue and sweeps\n"
        "Owners: /grant ID, /revoke ID (or in reply to someone's message), /broadcast TEXT"
    ),
    "adm_grant_usage": "Usage: /grant USER_ID, or reply to the person's message with /grant.",
    "adm_revoke_usage": "Usage: /revoke USER_ID, or reply to the person's message with /revoke.",
    "adm_granted": "✅ User {user} is now an admin.",
    "adm_already_admin": "User {user} is already an admin.",
    "adm_cannot_grant": (
        "User {user} cannot be given admin rights (an owner, the anonymous group admin or Telegram's service account)."
    ),
    "adm_revoked": "User {user} is no longer an admin.",
    "adm_not_admin": "User {user} has no granted admin rights.",
    "adm_admins_list": "Owners: {owners}\nAdmins: {admins}",
    "adm_add_usage": (
        "Usage: /add SUBJECT TARGET [DEADLINE] [#tag] [@place] [parent=ID] [source=URL]\n"
        "For example: /add 集成电路产业链群规模 &gt;500亿元 到2025年底 #集成电路 @济南\n"
        "Or send /add alone to be guided step by step."
    ),
    "adm_ask_subject": (
        "OK, a new commitment. What is it about? (e.g. 集成电路产业链群规模)\nSend /cancel at any time to stop."
    ),
    "adm_ask_target": "What is the target? E.g. 突破500亿元, 1301个, 5.5%左右. Send - (or /skip) if it has no figure.",
    "adm_ask_deadline": "Deadline? E.g. 2025年底, 明年6月, 2025-12-31, in 18 months. Send - (or /skip) if none.",
    "adm_ask_extras": (
        "Place, tags, parent plan and source (optional), in one line: @济南 #集成电路 parent=12 "
        "source=https://… . Send - (or /skip) to skip."
    ),
    "adm_ask_edit": (
        'What should change? Send "field value", e.g. target 突破600亿元, deadline 2026-12-31,'
        " subject New subject, or @济南 #芯片"
    ),
    "adm_preview": "<b>Please check:</b>",
    "adm_saved": "✅ Saved as commitment #{id}.",
    "adm_add_cancelled": "Cancelled; nothing was saved.",
    "adm_bad_target": (
        'I can\'t read the target "{text}": it needs a number with a unit, e.g. 突破500亿元,'
        " 1301个, 5.5%左右 (send - for none)."
    ),
    "adm_bad_deadline": 'I can\'t read the date "{text}". Try 2025年底, 明年6月, 2025-12-31 or in 18 months.',
    "adm_unknown_parent": 'I can\'t find the parent plan "{parent}". Use its number (parent=12) or its full name.',
    "adm_bad_tag": 'The tag "{tag}" won\'t do: a tag is one word without spaces.',
    "adm_bad_source": "A source must be a link starting with http:// or https://.",
    "adm_bad_extra": 'I don\'t understand "{token}": use @ for a place, # for a tag, parent= and source=.',
    "adm_bad_subject": "The subject can't be empty or longer than 300 characters.",
    "adm_negative_amount": "«{text}» is negative: a count or an amount cannot be; only a rate such as growth can.",
    "adm_value_too_large": "«{text}» is implausibly large; please check the number and its unit.",
    "adm_unit_mismatch": "«{text}» is not in the target's kind of unit ({unit}); use {unit} or a unit like it.",
    "adm_date_too_far": "The date {date} is too far off: only dates up to the end of {year} are accepted.",
    "adm_progress_future": "The progress date {date} has not come yet: only progress already made can be recorded.",
    "adm_bad_value": "That value won't do; please check it and try again.",
    "adm_btn_save": "💾 Save",
    "adm_btn_edit": "✏️ Edit",
    "adm_btn_cancel": "✖️ Cancel",
    "adm_btn_confirm": "✅ Confirm",
    "adm_btn_reject": "🗑 Reject",
    "adm_btn_link": "🔗 Link to #{id}",
    "adm_no_figure": "no figure",
    "adm_card_subject": "📋 Subject: {subject}",
    "adm_card_target": "🎯 Target: {target}",
    "adm_card_figure": "📈 Figure: {target}",
    "adm_card_deadline": "⏰ Deadline: {deadline}",
    "adm_card_as_of": "📅 As of: {as_of}",
    "adm_card_growth": "↗️ Growth: {growth}%",
    "adm_card_place": "📍 Place: {place}",
    "adm_card_tags": "🏷 Tags: {tags}",
    "adm_card_parent": "🗂 Part of: {parent}",
    "adm_card_source": "🔗 Source: {source}",
    "adm_card_links_to": "➡️ Looks like progress on #{id} «{subject}»",
    "adm_card_quote": "💬 Quote: “{quote}”",
    "adm_card_article": "📰 Article: {title}",
    "adm_commitment_line": "#{id} {subject}: {target}, by {deadline}",
    "adm_edit_usage": "Usage: /edit ID field value. Fields: {fields}",
    "adm_edited": "✅ Commitment #{id}: {field} changed.",
    "adm_revision_kept": "The old target stays in the revision history (/history); {followers} followers were told.",
    "adm_unknown_commitment": "There is no commitment {id}.",
    "adm_unknown_field": '"{field}" can\'t be changed. Fields: {fields}',
    "adm_archive_usage": "Usage: /archive ID",
    "adm_archived": "Commitment #{id} is archived: out of every list, its records kept.",
    "adm_already_archived": "That commitment is archived already.",
    "adm_setstatus_usage": "Usage: /setstatus ID status [evidence URL or quote]. Statuses: {statuses}",
    "adm_status_set": "Commitment #{id} is now: {status}",
    "adm_evidence_required": (
        "A verdict (achieved, partly achieved, missed) needs evidence: add a link or a quote after the status."
    ),
    "adm_status_automatic": (
        '"Overdue, verdict pending" is set automatically when a deadline passes; it can\'t be set by hand.'
    ),
    "adm_progress_usage": (
        "Usage: /progress ID value date [source URL or quote], e.g. /progress 12 320亿元 2024-12-31 https://…"
    ),
    "adm_progress_recorded": "📈 Progress recorded on #{id}: {value} (as of {as_of}).",
    "adm_history_usage": "Usage: /history ID",
    "adm_history_head": "<b>History of commitment #{id}</b>: {subject}",
    "adm_history_line": "• {at} {who}: {what}",
    "adm_history_user": "user {id}",
    "adm_history_bot": "the bot",
    "adm_history_created": "created: {target}, by {deadline}",
    "adm_history_confirmed": "created from review: {target}, by {deadline}",
    "adm_history_change": "{field}: {old} → {new}",
    "adm_history_archived": "archived",
    "adm_history_progress": "progress recorded: {value} (as of {as_of})",
    "adm_history_other": "{action}",
    "adm_field_subject": "subject",
    "adm_field_target": "target",
    "adm_field_deadline": "deadline",
    "adm_field_place": "place",
    "adm_field_tags": "tags",
    "adm_field_parent": "parent plan",
    "adm_field_source": "source",
    "adm_field_issuer": "issuer",
    "adm_field_status": "status",
    "adm_notice_new": "🆕 New commitment: {line}",
    "adm_notice_revised": (
        "⚠️ The target of #{id} «{subject}» changed:\nwas: {old}, by {old_deadline}\nnow: {new}, by {new_deadline}"
    ),
    "adm_ingest_usage": (
        "Usage: /ingest URL [@place]. You can also paste or forward an article, or upload a .txt / .html file."
    ),
    "adm_ingest_stored": "📰 Article #{id} stored (published {published}). {cards} items to review:",
    "adm_ingest_stored_nothing": "📰 Article #{id} stored (published {published}). Nothing in it needs a review.",
    "adm_ingest_known_nothing": "This article was stored before (#{id}); nothing of it waits for review.",
    "adm_ingest_known": "This article was stored before (#{id}); {cards} items still wait for review:",
    "adm_ingest_empty": "There is no readable text here.",
    "adm_ingest_unreadable": "I can't read the text of this article.",
    "adm_ingest_too_short": (
        "To feed an article, paste its full text (at least {chars} characters). Admin commands: /admin."
    ),
    "adm_upload_type": "I can read PDF, Word (.docx), .txt and .html files.",
    "adm_upload_too_large": "That file is too large (at most {mb} MB).",
    "adm_document_unreadable": "I can't read this file: it is damaged, or not the format its name says.",
    "adm_document_encrypted": "This PDF needs a password to open, so I can't read it. Please upload it without one.",
    "adm_document_too_long": "That document is too long: I read at most {pages} pages and {chars} characters.",
    "adm_document_scanned": (
        "This PDF has no text in it (it may be a scan). Please upload a PDF with text, a Word file or a text file."
    ),
    "adm_fetch_scheme": "Only http and https links can be read.",
    "adm_fetch_address": "Refused: that link points at an internal or reserved address ({detail}).",
    "adm_fetch_numeric_host": "Refused: numeric host names are not accepted ({detail}).",
    "adm_fetch_redirects": "Too many redirects.",
    "adm_fetch_too_large": "The page is too large.",
    "adm_fetch_content_type": "That link is not a web page (content type {detail}).",
    "adm_fetch_status": "The site answered with an error (HTTP {detail}).",
    "adm_fetch_network": "I couldn't reach that site.",
    "adm_fetch_timeout": "The site took too long (over {detail}).",
    "adm_fetch_bad_url": "That is not a valid link.",
    "adm_review_kind_plan": "<b>Review #{id} · plan</b>",
    "adm_review_kind_commitment": "<b>Review #{id} · commitment</b>",
    "adm_review_kind_fact": "<b>Review #{id} · progress</b>",
    "adm_review_empty": "Nothing waits for review.",
    "adm_review_more": "{count} more wait for review.",
    "adm_review_head": "Waiting for review: {shown} shown of {total}.",
    "adm_review_ask_edit": 'Editing review #{id}: send "field value". Fields: {fields}',
    "adm_review_unknown": "I can't find that review item.",
    "adm_review_decided": "That one was handled already ({state}).",
    "adm_review_nothing_to_link": "There is no commitment to link it to.",
    "adm_state_pending": "pending",
    "adm_state_confirmed": "confirmed",
    "adm_state_rejected": "rejected",
    "adm_confirmed_commitment": "✅ Confirmed as commitment #{id}.",
    "adm_confirmed_progress": "✅ Confirmed as progress on #{id}.",
    "adm_rejected": "🗑 Rejected.",
    "adm_feeds_usage": (
        "Usage: /feeds add URL [name] [interval minutes] [@place] · /feeds list · /feeds remove ID · /feeds test URL"
    ),
    "adm_feed_place": " (coverage of {place})",
    "adm_feed_bad_place": "I don't know the place «{place}»: write a province or a city, e.g. @济南 or @浙江省.",
    "adm_feeds_empty": "No feeds yet.",
    "adm_feeds_head": "<b>Feeds</b>",
    "adm_feed_line": "#{id} {name} — {url} (every {interval} min)",
    "adm_feed_error": "\n  ⚠️ last error: {error}",
    "adm_feed_added": "✅ Feed #{id} «{name}» added, checked every {interval} minutes.",
    "adm_feed_exists": "That feed is there already (#{id}).",
    "adm_feed_removed": "Feed #{id} removed.",
    "adm_feed_unknown": "There is no feed {id}.",
    "adm_feed_test_head": "The feed lists {total} entries; the next poll would ingest {fresh} new ones:",
    "adm_feed_bad_interval": "The check interval must be from {low} to {high} minutes (7 days); {minutes} won't do.",
    "adm_feed_unexpected": "An unexpected error while reading it ({detail}).",
    "adm_feed_unsafe": "The feed's content is unsafe or too large; it was refused.",
    "adm_not_a_feed": "That is not an RSS or Atom feed.",
    "adm_broadcast_usage": "Usage: /broadcast TEXT to send to every chat",
    "adm_broadcast_queued": "📣 Queued for {chats} chats.",
    "adm_stats": (
        "<b>Figures</b>\nCommitments: {total}\n{statuses}\nActive chats: {chats}\nFollows: {follows}\n"
        "Articles: {articles}\nPending reviews: {pending}"
    ),
    # --- Alerts and delivery: deadline countdowns, prompts, digests, /health ---
    "alert_deadline": "⏰ <b>{subject}</b>\nDeadline {deadline}: {days} days left.\nDetails: /show {id}",
    "alert_deadline_today": "⏰ <b>{subject}</b>\nDeadline {deadline}: due today.\nDetails: /show {id}",
    "alert_overdue": (
        "⌛ <b>{subject}</b>\nThe deadline {deadline} passed {days} days ago with no verdict yet; "
        "status: overdue, verdict pending (逾期待定).\nDetails: /show {id}"
    ),
    "alert_deadline_one": "⏰ <b>{subject}</b>\nDeadline {deadline}: due tomorrow.\nDetails: /show {id}",
    "alert_overdue_one": (
        "⌛ <b>{subject}</b>\nThe deadline {deadline} passed yesterday with no verdict yet; "
        "status: overdue, verdict pending (逾期待定).\nDetails: /show {id}"
    ),
    "alert_stale": "🔍 <b>{subject}</b>\nNo new coverage for {days} days. Any news?\nDetails: /show {id}",
    "alert_digest_daily": "📬 <b>Your daily digest</b> ({count})",
    "alert_digest_weekly": "📬 <b>Your weekly digest</b> ({count})",
    "health_refused": "Sorry, /health is for admins only.",
    "health_header": "<b>Health</b>",
    "health_queue": "📮 Pending: {pending}   sending: {sending}   held for digests: {held}",
    "health_oldest": "⏳ Oldest pending: waiting {age}",
    "health_oldest_none": "⏳ Nothing overdue in the queue",
    "health_last_day": (
        "📊 Last 24 h: sent {sent}   failed {failed}   blocked {blocked}   unknown {unknown}   skipped {skipped}"
    ),
    "health_sweep": "🔁 {name}: last run {last} ({ago} ago){error}",
    "health_sweep_never": "🔁 {name}: not run yet",
    "health_sweep_error": "⚠️ last error: {error}",
    "health_feeds_failing": "📡 Feeds failing: {count} (/feeds list shows them all)",
    "health_feed_failing": "  · #{id} {name} (failing for {ago}; polls failed in a row: {times}): {error}",
    "health_feeds_more": "  · and {count} more",
    "health_leader": "👑 Instance sending: {instance}",
    # -- Coverage in: new coverage for followers, verdict and goalpost cards for admins -------------------------
    "cov_news_head": "📰 <b>New coverage</b> · <b>#{id}</b> {subject}\nTarget: {target}{deadline}",
    "cov_news_deadline": ", due {deadline}",
    "cov_news_point": "• {figure} (as of {as_of}){growth}",
    "cov_news_quote": "  “{quote}”",
    "cov_news_growth": ", reported growth {growth}%",
    "cov_news_link": '  🔗 <a href="{url}">{title}</a>',
    "cov_news_share": "📊 {share} of the target reached",
    "cov_news_more": "Details: /show {id}",
    "adm_review_kind_verdict": "<b>Review #{id} · suggested verdict</b>",
    "adm_review_kind_shift": "<b>Review #{id} · target possibly moved</b>",
    "cov_card_verdict": "⚖️ Suggested: <b>{status}</b>: reported {reported}, target {target} (#{commitment})",
    # A document's summary (bot/render/documents.py)
    "doc_head": "📄 <b>{title}</b>\n{published} · {place} · document #{id}",
    "doc_untitled": "(untitled)",
    "doc_no_place": "place unknown",
    "doc_group_m": "{year} main targets",
    "doc_group_t": "{year} tasks",
    "doc_group_g": "{begin}–{end} goals",
    "doc_group_g_plan": "{plan} Five-Year Plan goals",
    "doc_group_n": "undated targets",
    "doc_group_r": "{year} results",
    "doc_group_r_span": "{begin}–{end} results",
    "doc_group_r_plan": "{plan} Five-Year Plan results",
    "doc_group_count": "{label} {count}",
    "doc_group_count_confirmed": "{label} {count} ({confirmed} confirmed)",
    "doc_answers": "{answers} of them answer tracked commitments ({verdicts} suggested verdicts): {ids}",
    "doc_no_answers": "Nothing in it answers a tracked commitment.",
    "doc_duplicates": "♻️ {count} already tracked: merge or keep both when you review them.",
    "doc_ask_date": (
        "📅 Document #{id} “{title}” shows no date. When was it published? The date decides which year 今年 and "
        "过去一年 mean."
    ),
    "doc_date_today": "Today ({date})",
    "doc_date_other": "Another date…",
    "doc_type_date": "Send the date, e.g. 2026-01-22.",
    "doc_ask_place": "📍 Document #{id} “{title}” does not say which place it is about. Which is it?",
    "doc_place_last": "{place} (last time)",
    "doc_place_other": "Another place…",
    "doc_place_none": "No particular place",
    "doc_type_place": "Send the place's name, e.g. 浙江省 or 济南.",
    "doc_nothing": "No targets or figures found in this document.",
    "doc_btn_confirm": "✅ {label} ({count})",
    "doc_btn_review": "🔍 One by one",
    "doc_btn_answers": "⚖️ Suggested verdicts ({count})",
    "doc_btn_confirm_answers": "✅ Confirm all ({count})",
    "doc_btn_next": "Next ▶",
    "doc_btn_summary": "📄 Summary",
    "doc_group_confirmed": "✅ Confirmed {count}: {ids}",
    "doc_group_duplicates_left": "{count} more are already tracked: decide them one by one.",
    "doc_nothing_pending": "Nothing left to confirm in this group.",
    "doc_page_head": "{label}: page {page}/{pages}, {count} waiting",
    "doc_answers_head": "Suggested verdicts and progress: page {page}/{pages}, {count} waiting",
    "doc_answers_confirmed": "✅ Confirmed {count} suggested verdicts; followers will be told.",
    "adm_state_kept": "kept",
    "adm_card_duplicate": "♻️ Already tracked: #{id} “{subject}”",
    "adm_btn_merge": "♻️ Merge into #{id}",
    "adm_btn_keep_both": "➕ Keep both",
    "adm_merged": "♻️ Merged: this source is now evidence on #{id}.",
    "adm_confirmed_verdict": "✅ Confirmed: #{id} is now {status}; followers will be told.",
    "notice_verdict": (
        "⚖️ #{id} “{subject}” is <b>{status}</b>: {reported} against a target of {target}.\n💬 “{quote}”\n📰 {source}"
    ),
    "evidence_title": "“{title}”",
    "adm_card_after_deadline": "⏰ A figure from after the deadline: once confirmed, kept as evidence for the verdict.",
    "notice_archived": (
        "🗄 #{id} “{subject}” was archived: it leaves the lists and sends no more alerts. Your follow stays; "
        "/following drops it."
    ),
    "notice_status": "⚖️ #{id} “{subject}” is now <b>{status}</b>.",
    "notice_status_evidence": "💬 On the strength of: {evidence}",
    "adm_feed_failing": (
        "⚠️ The feed “{name}” failed: {error}\nIt is retried with growing waits; I will tell you when it works "
        "again. See /feeds list."
    ),
    "adm_feed_recovered": "✅ The feed “{name}” works again.",
    "source_pasted": "text pasted by admin #{admin}",
    "cov_card_shift": "↔️ Against #{commitment}: was {old} ({old_deadline}), now {new} ({new_deadline})",
}
