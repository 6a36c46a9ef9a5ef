# The Telegram adapter: what only Telegram needs to say.

telegram-button-expired = This button has expired. Send the command again.
telegram-dm-blocked = { $name }, I cannot message you privately yet: open [{ $bot }]({ $link }), press Start, then try again.
