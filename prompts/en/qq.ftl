# The QQ adapter: what only QQ needs to say.

qq-dm-blocked = { $name }, I cannot message you privately yet: add me as a friend, then try again.
