# Which chats belong to a community: an admin adds a new group with a one-time code.

cmd-community-code = Get a one-time code to add a new group to this community (sent privately; admins)
cmd-community-add = Sent in a new group: add it to the community with an admin's code
cmd-community-remove = Let this registered group leave the community (admins)
cmd-community-chats = List this community's groups: those in the config and those registered (admins)

community-code =
    Code to add a group to "{ $community }": **{ $code }** (valid for { $minutes } minutes, once)
    Add the bot to the new group, then send `/community add { $code }` there yourself.
community-code-sent = I sent you the code by direct message. If it did not arrive, message the bot privately once and try again.
community-unknown-chat = This group does not belong to any community yet, so the bot does nothing here. To add it: a community admin sends `/community code` to the bot privately, then `/community add CODE` here; or the operator lists `{ $chat }` in the config's `chats`.
community-bad-code = "{ $code }" does not look like a code: codes are 6 letters and digits. Ask a community admin to send `/community code` for a new one.
community-unknown-code = The code { $code } does not exist, was used already or has expired. Ask a community admin to send `/community code` for a new one.
community-too-many-codes = Too many wrong codes. Try again in { $minutes } minutes.
community-code-not-yours = Only the admin who asked for this code (or an account linked to them) can use it.
community-added = ✅ This group now belongs to "{ $community }". Points, check-ins and everything else work here now.
community-add-already = This group already belongs to "{ $community }".
community-group-only = This command only works in a group.
community-remove-listed = This group ({ $chat }) is listed in the config; to let it go, the operator changes the config.
community-remove-not-registered = This group was not registered with a code, so it cannot be removed this way.
community-removed = This group has left "{ $community }".
community-chats = Groups of "{ $community }" ({ $count }):
community-chat-listed = { $chat } (config)
community-chat-registered = { $chat } (registered { $at } by member #{ $by })
