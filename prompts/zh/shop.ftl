# 积分商店：商品、兑换、订单处理。

cmd-shop = 查看积分商店
cmd-redeem = 用积分兑换商品
cmd-orders = 待处理的兑换订单（版主）
cmd-orders-done = 把订单标记为已完成（版主）
cmd-orders-refund = 退款：退回积分、恢复库存（版主）

shop-list = **积分商店**（用 `/redeem 商品代号` 兑换）
shop-empty = 商店里还没有商品。管理员可以在配置的 `[features.shop]` 里添加。
shop-left = 剩 { $left } 件
shop-unlimited = 不限量
shop-min-level = { $level } 级以上
shop-no-item = 没有代号为“{ $item }”的商品。发送 `/shop` 查看商品列表。
shop-level-too-low = 兑换「{ $item }」需要 { $need } 级，你现在是 { $level } 级。
shop-ordered = 🎁 兑换成功：「{ $item }」，订单 #{ $order }，花费 { $price } 分，剩余 { $balance } 分。版主会尽快处理。
shop-duplicate = 这次兑换已经处理过了，没有重复扣分。
shop-out-of-stock = 「{ $item }」已经兑完了。
shop-insufficient = 「{ $item }」要 { $price } 分，你现在只有 { $balance } 分。
shop-orders = **待处理订单**（{ $count }）：
shop-orders-none = 没有待处理的订单。
shop-order-unknown = 没有订单 #{ $order }。
shop-order-done = 订单 #{ $order } 已完成：{ $name } 的「{ $item }」。
shop-order-refunded = 订单 #{ $order } 已退款：{ $price } 分退回给 { $name }，「{ $item }」库存已恢复。
shop-order-settled = 订单 #{ $order } 已经是“{ $state }”状态，不能再处理。
shop-state-open = 待处理
shop-state-done = 已完成
shop-state-refunded = 已退款

# 积分记录里的名称：
points-kind-redeem = 兑换
points-kind-refund = 退款

# /stats 中商店的几行。
shop-figure-orders = 商店订单
shop-figure-redeemed = 商店兑换的积分
