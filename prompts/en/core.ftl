# Core commands: help, ping, whoami, language, and command parse errors.

role-member = member
role-moderator = moderator
role-admin = admin

cmd-help = List the commands, or show how to use one
cmd-ping = Check that the bot is alive
cmd-whoami = Show your member profile and linked accounts
cmd-whereami = This chat's id and community, and your account id (moderators; anyone in a DM)
cmd-whois = Show a member's profile and linked accounts (moderators)
cmd-lang = Show or set your language (zh / en / default)

help-header = **Commands** (your role: { $role })
help-footer = Send `/help COMMAND` for details on one command. Commands start with `/` or `!`.
help-command =
    `{ $usage }` — { $summary }
    Aliases: { $aliases }
    Who may use it: { $role }
help-no-such-command = There is no command called { $name }. Send `/help` for the full list.

ping-pong = pong 🏓

whoami = **{ $name }** · member #{ $id } · { $community }
    Role: { $role }
    Language: { $locale }
    Joined: { $joined }
    Linked { $accounts ->
        [one] account
       *[other] accounts ({ $accounts })
    }:
whois-unknown = I don't know { $name } yet: they have not said anything here.
whoami-locale-chosen = { $locale } (your choice)
whois-locale-chosen = { $locale } (their choice)
whoami-locale-default = { $locale } (community default)

lang-current = Your language is { $locale }. Switch with `/lang en` or `/lang zh`; `/lang default` goes back to the community's.
lang-set = OK, I will speak English with you from now on.
lang-reset = Back to the community's default language ({ $locale }).
lang-unknown = I don't know the language "{ $got }". Choose `zh`, `en` or `default`.

error-too-long = That message is too long (over { $max } characters) to be read as a command.
error-permission = `{ $usage }` is for { $role }s only.
error-feature-off = `{ $usage }` belongs to a feature this community has not switched on.
error-internal = Sorry, something went wrong on my side and that did not happen. Please try again later; if it keeps failing, tell an admin.

# A mention of the bot with nothing else for it (`@jixia`, `@jixia 你好`).
greeting = 👋 Hi! Send `/help` to see what I can do.
error-unknown-command = There is no /{ $name } command. Send `/help` for the full list.
error-unknown-command-suggest = There is no /{ $name } command. Did you mean `/{ $suggestion }`?
error-needs-sub = `/{ $name }` needs a subcommand: { $subs }.
error-missing-arg =
    Missing { $arg }.
    Usage: `{ $usage }`
error-extra-arg =
    Unexpected "{ $got }". Put text with spaces in quotes.
    Usage: `{ $usage }`
error-bad-int =
    { $arg } must be a whole number from { $min } to { $max }, not "{ $got }".
    Usage: `{ $usage }`
error-bad-choice =
    { $arg } cannot be "{ $got }".
    Usage: `{ $usage }`
error-bad-member =
    { $arg } must be a @mention, not "{ $got }".
    Usage: `{ $usage }`
error-unclosed-quote =
    A quote was opened and never closed.
    Usage: `{ $usage }`

whereami =
    This is a { $kind }: `{ $chat }` ({ $title })
    Community: { $community }
    Your account: `{ $you }`
    To list this chat in the config, put it in `chats = [...]`; to make you a moderator, put your account in `moderators = [...]`.
whereami-group = group
whereami-private = direct chat
whereami-no-community = none
whereami-moderators = In a group only { $role }s can use `/whereami`; in a direct chat with the bot anyone can.

# Argument names in usage lines and errors (`/points grant @MEMBER N REASON…`):
# `arg-` and the registry's name in lower case. A feature may add its own.
arg-answer = ANSWER
arg-code = CODE
arg-command = COMMAND
arg-cron = CRON
arg-date = DATE
arg-id = ID
arg-item = ITEM
arg-keywords = KEYWORDS
arg-lang = LANG
arg-member = MEMBER
arg-n = N
arg-option = OPTION
arg-page = PAGE
arg-period = PERIOD
arg-reason = REASON
arg-switch = SWITCH
arg-text = TEXT
arg-token = TOKEN
arg-topic = TOPIC
arg-wording = WORDING
arg-words = WORDS
arg-changes = CHANGES
arg-format = FORMAT
arg-question = QUESTION
arg-zone = ZONE
