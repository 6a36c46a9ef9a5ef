# The Discord adapter: what only Discord needs to say.

discord-button-expired = This button has expired. Send the command again.
discord-dm-closed = { $name }, I cannot send you a direct message: allow direct messages from server members (server menu → Privacy Settings), then try again.
discord-done = Done.
