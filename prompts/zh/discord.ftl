# Discord 适配器：只有 Discord 需要说的话。

discord-button-expired = 这个按钮已过期，请重新发送命令。
discord-dm-closed = { $name }，我无法给你发私信：请在服务器菜单 → 隐私设置中允许服务器成员发私信，然后再试一次。
discord-done = 好的。
