# Linking accounts across platforms.

cmd-link = Link your accounts on other platforms: without a code you get one, with a code you link

link-code =
    Your link code: **{ $code }** (valid for { $minutes } minutes, once)
    Send `/link { $code }` to the bot from your other account (Telegram / Discord) and both become one member: points, check-ins and history together.
link-code-sent = I sent you the link code by direct message. If it did not arrive, message the bot privately once and try again.
link-bad-code = "{ $code }" does not look like a link code: codes are 6 letters and digits. Send `/link` on your other account to get one.
link-done = Linked! You are now member #{ $id } with { $count ->
        [one] one account
       *[other] { $count } accounts
    }: { $accounts }.
link-own-code = That is your own code: this account is already linked. Use it from your other account.
link-unknown-code = The code { $code } does not exist or was already used. Send `/link` on your other account for a new one.
link-expired-code = That code has expired (codes last { $minutes } minutes). Send `/link` again for a new one.
link-too-many-codes = Too many wrong codes. Try again in { $minutes } minutes.
