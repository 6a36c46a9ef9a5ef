# Telegram 适配器：只有 Telegram 才需要说的话。

telegram-button-expired = 这个按钮已过期，请重新发送命令。
telegram-dm-blocked = { $name }，我还不能私信你：请先打开 [{ $bot }]({ $link })，点「开始」，然后再试一次。
