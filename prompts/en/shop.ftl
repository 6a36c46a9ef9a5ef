# The rewards shop: items, redemptions, orders.

cmd-shop = Browse the rewards shop
cmd-redeem = Redeem an item with points
cmd-orders = Open shop orders (moderators)
cmd-orders-done = Mark an order done (moderators)
cmd-orders-refund = Refund an order: points back, stock restored (moderators)

shop-list = **Rewards shop** (redeem with `/redeem ITEM`)
shop-empty = The shop has no items yet. Admins add them in the config's `[features.shop]`.
shop-left = { $left } left
shop-unlimited = unlimited
shop-min-level = level { $level }+
shop-no-item = There is no item "{ $item }". Send `/shop` for the list.
shop-level-too-low = "{ $item }" needs level { $need }; you are level { $level }.
shop-ordered = 🎁 Redeemed "{ $item }": order #{ $order }, { $price ->
        [one] { $price } point
       *[other] { $price } points
    }, { $balance } left. A moderator will be in touch.
shop-duplicate = That redemption was already handled; nothing was charged twice.
shop-out-of-stock = "{ $item }" is sold out.
shop-insufficient = "{ $item }" costs { $price ->
        [one] { $price } point
       *[other] { $price } points
    }; you have { $balance }.
shop-orders = **Open orders** ({ $count }):
shop-orders-none = No open orders.
shop-order-unknown = There is no order #{ $order }.
shop-order-done = Order #{ $order } done: "{ $item }" for { $name }.
shop-order-refunded = Order #{ $order } refunded: { $price ->
        [one] { $price } point
       *[other] { $price } points
    } back to { $name }, "{ $item }" back in stock.
shop-order-settled = Order #{ $order } is already { $state }.
shop-state-open = open
shop-state-done = done
shop-state-refunded = refunded

# Names in points histories:
points-kind-redeem = redeemed
points-kind-refund = refund

# The shop's lines in /stats.
shop-figure-orders = Shop orders
shop-figure-redeemed = Points redeemed in the shop
