#!/usr/bin/env python3
"""Generate realistic historical after-sales cases as JSON Lines.

For policy dry-runs at scale (`aftersales decide --policy rules --cases FILE`,
`aftersales diff`): each line is one compact case document in the nested
shape of examples/cases/*.json ({"case", "customer", "order", "item",
"issue", "logistics", "request"}), using only the field names and enum words
of the vocabulary, second edition (docs/vocabulary.md, rules/schema.yaml).

  generate.py --count N --seed S [--out FILE]

* Deterministic: the same --seed gives byte-identical output (one
  random.Random(seed); no clock, no hash order). Streaming: memory stays flat
  for any --count; a million cases take about a minute on one core.
* Consistent facts: paid_at < shipped_at < delivered_at < case.opened_at ==
  issue.reported_at, RFC 3339 with the case zone's real offset (DST
  included); the zone lies in case.country. Money in integer cents: when the
  item is the whole order, order.total_paid_cents == item.paid_cents +
  order.shipping_fee_cents; about a third of the orders have other lines, so
  item.paid_cents + order.shipping_fee_cents < order.total_paid_cents.
  Not-yet-shipped orders (order.status paid, logistics not_shipped, no
  shipped/delivered times) for address changes, cancellations and late
  shipments; parcels in transit for delays and losses; parcels the customer
  refused at the door (logistics.status refused: shipped, never delivered);
  logistics.signed_by only for delivered parcels.
* Realistic mix: every issue.type, platform, channel, locale and signing
  kind. Locales mostly zh-CN (country CN, case.country often left out since
  CN is the default); zh-TW in TW, HK, MO or CN; en mostly on the own shop in
  Europe (GB, DE, FR, NL, IE), the US, AU or SG, and some on Tmall and JD
  (CN, SG, GB, US, HK). Contacts come 0-40 days after delivery with extra
  mass on days 6-8 and 14-16 and late in the evening, so the calendar-day
  rules (7-day no-reason, 14-day withdrawal, 15-day exchange) are exercised
  at their boundaries; some warranty claims on durable goods come months
  later (with item.repairs 1-3 on some of them); price-drop claims come 1-35
  days after payment with mass around the 7/15/30-day protection ends.
* Second-edition facts: case.country; case.platform_intervention (marketplaces
  only, true on about a quarter of the complaints, less on counterfeit and
  refund-delay disputes, rare elsewhere); item.repairs (0-3, goods with a
  warranty, mostly 0); item.current_price_cents and item.price_protection_days
  (price_drop only; 0, 7, 15, 30 or absent); issue.affected_percent (1-100:
  spoiled fresh food, pieces of a set missing or broken; absent = all);
  the issue types not_received (delivered, signed by a proxy, a locker, a
  station...), counterfeit, price_drop and invoice.
* Fields are absent where a backend would not have them: no fault for a
  change of mind, no warranty on a T-shirt, no cap without insurance, and
  request.return_shipping_cents is absent on about 35% of the cases where
  goods could go back (first contact: nobody has quoted the freight yet).
  order.duplicate_charge_cents is > 0 on most duplicate_payment cases and on
  a few others (an order charged twice that the customer cancels). About 1
  line in 200 lacks one more field a rule would like (a realistic gap).
  Values are never invalid: no wrong types, no unknown enum words.
"""
import argparse
import bisect
import json
import random
import sys
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo


def table(pairs):
    """(values, cumulative weights, total) for pick()."""
    values, cum, total = [], [], 0
    for value, weight in pairs:
        total += weight
        values.append(value)
        cum.append(total)
    return values, cum, total


def ri(rng, lo, hi):
    """Uniform int in [lo, hi] (small ranges; faster than randint)."""
    return lo + int(rng.random() * (hi - lo + 1))


def ch(rng, seq):
    return seq[int(rng.random() * len(seq))]


def pick(rng, t):
    values, cum, total = t
    return values[bisect.bisect_right(cum, rng.random() * total)]


ISSUES = table([
    ("quality_defect", 160), ("no_reason", 150), ("delivery_delay", 120), ("malfunction", 70),
    ("damaged_in_transit", 60), ("not_as_described", 55), ("wrong_item", 40), ("missing_item", 30),
    ("missing_accessory", 25), ("lost_in_transit", 25), ("address_change", 40), ("refund_delay", 35),
    ("complaint", 30), ("expired", 15), ("payment_failed", 15), ("duplicate_payment", 6),
    ("coupon_problem", 6), ("not_received", 22), ("price_drop", 20), ("counterfeit", 8), ("invoice", 14)])
LOCALES = table([("zh-CN", 86), ("zh-TW", 6), ("en", 8)])
ZH_PLATFORMS = table([("taobao", 30), ("tmall", 24), ("jd", 20), ("pdd", 12), ("douyin", 9), ("own", 5)])
EN_PLATFORMS = table([("own", 85), ("tmall", 8), ("jd", 7)])
# Where the customer is: (case.country, case.timezone), by locale and shop.
ZH_TW_PLACES = table([(("TW", "Asia/Taipei"), 50), (("HK", "Asia/Hong_Kong"), 25), (("MO", "Asia/Macau"), 5),
                      (("CN", "Asia/Shanghai"), 20)])
EN_OWN_PLACES = table([(("GB", "Europe/London"), 34), (("DE", "Europe/Berlin"), 10), (("FR", "Europe/Paris"), 7),
                       (("NL", "Europe/Amsterdam"), 4), (("IE", "Europe/Dublin"), 4),
                       (("US", "America/New_York"), 22), (("US", "America/Los_Angeles"), 9),
                       (("AU", "Australia/Sydney"), 5), (("SG", "Asia/Singapore"), 5)])
EN_MARKET_PLACES = table([(("CN", "Asia/Shanghai"), 35), (("SG", "Asia/Singapore"), 20),
                          (("GB", "Europe/London"), 25), (("US", "America/New_York"), 12),
                          (("HK", "Asia/Hong_Kong"), 8)])
ZH_CHANNELS = table([("chat", 72), ("phone", 12), ("email", 4), ("social", 12)])
EN_CHANNELS = table([("chat", 35), ("phone", 10), ("email", 45), ("social", 10)])
EMOTIONS = table([("calm", 58), ("anxious", 28), ("angry", 11), ("abusive", 3)])
ZH_PAYMENT = table([("alipay", 52), ("wechat", 38), ("card", 5), ("cod", 3), ("other", 2)])
EN_PAYMENT = table([("card", 85), ("other", 10), ("alipay", 5)])
ZH_CARRIERS = ["SF Express", "ZTO", "YTO", "STO", "Yunda", "JD Logistics", "EMS", "J&T Express"]
CARRIERS = {  # by case.country; everything else ships with ZH_CARRIERS
    "GB": ["Royal Mail", "DPD", "Evri", "UPS"], "DE": ["DHL", "Hermes", "DPD"],
    "FR": ["Colissimo", "Chronopost", "DPD"], "NL": ["PostNL", "DHL"], "IE": ["An Post", "DPD"],
    "US": ["USPS", "UPS", "FedEx"], "AU": ["Australia Post", "StarTrack"], "SG": ["SingPost", "Ninja Van"],
    "TW": ["SF Express", "中華郵政", "黑貓宅急便"], "HK": ["SF Express", "香港郵政"], "MO": ["SF Express", "澳門郵政"],
}
OWN_PREFIX = {"CN": "OWN", "GB": "UK"}  # own-shop order numbers: UK-2026-..., DE-2026-...
EVIDENCE = ["photo", "video", "unboxing_video", "courier_note", "screenshot"]
INSURANCE_CAPS = [1000, 1200, 1500, 2000, 2500]
SIGNED_BY = table([("recipient", 52), ("proxy", 16), ("locker", 16), ("station", 12), ("unknown", 4)])
SIGNED_BY_NOT_RECEIVED = table([("recipient", 12), ("proxy", 30), ("locker", 25), ("station", 23),
                                ("unknown", 10)])
PROTECTION_DAYS = table([(None, 25), (0, 15), (7, 25), (15, 20), (30, 15)])
REPAIRS = table([(0, 70), (1, 18), (2, 9), (3, 3)])
FRESH_AFFECTED = [10, 15, 20, 25, 30, 40, 50, 60, 75, 100]
# Chance that the platform's staff have stepped in, when the backend says.
INTERVENTION = {"complaint": 0.25, "counterfeit": 0.2, "refund_delay": 0.1, "not_received": 0.08,
                "not_as_described": 0.03, "lost_in_transit": 0.03}

# category -> (cents low, cents high, warranty days or None, zh-CN, zh-TW, en names)
CATALOGUE = {
    "apparel": (3900, 39900, None, ["纯棉T恤 M码", "羊毛针织衫", "直筒牛仔裤", "羽绒服 L码", "连衣裙"],
                ["純棉T恤 M碼", "羊毛針織衫", "直筒牛仔褲", "羽絨外套 L碼", "連身裙"],
                ["cotton T-shirt, M", "wool jumper", "straight-leg jeans", "down jacket, L", "linen dress"]),
    "shoes": (9900, 89900, None, ["跑步鞋 42码", "帆布鞋 38码", "短靴"], ["跑步鞋 42碼", "帆布鞋 38碼", "短靴"],
              ["running shoes, UK 8", "canvas trainers", "chelsea boots"]),
    "electronics": (4900, 699900, 365, ["蓝牙耳机", "充电宝 20000mAh", "智能手表", "机械键盘", "平板电脑"],
                    ["藍牙耳機", "行動電源 20000mAh", "智慧手錶", "機械鍵盤", "平板電腦"],
                    ["wireless earbuds", "20000mAh power bank", "smart watch", "mechanical keyboard", "tablet"]),
    "small_appliance": (5900, 129900, 365, ["电热水壶 1.7L", "电吹风", "空气炸锅", "微波炉", "破壁机"],
                        ["電熱水壺 1.7L", "吹風機", "氣炸鍋", "微波爐", "調理機"],
                        ["electric kettle 1.7L", "hair dryer", "air fryer", "microwave", "blender"]),
    "large_appliance": (129900, 899900, 1095, ["滚筒洗衣机 10kg", "双门冰箱", "挂式空调"],
                        ["滾筒洗衣機 10kg", "雙門冰箱", "壁掛式冷氣"],
                        ["washing machine 10kg", "fridge freezer", "dishwasher"]),
    "food_fresh": (2990, 19990, None, ["海南芒果 5斤", "冷冻带鱼", "阳澄湖大闸蟹", "车厘子 2斤"],
                   ["海南芒果 5斤", "冷凍白帶魚", "陽澄湖大閘蟹", "櫻桃 2斤"],
                   ["Alphonso mangoes", "frozen cod fillets", "organic strawberries"]),
    "food_packaged": (990, 19900, None, ["坚果礼盒", "挂耳咖啡 20包", "牛肉干", "燕麦片"],
                      ["堅果禮盒", "掛耳咖啡 20包", "牛肉乾", "燕麥片"],
                      ["nut gift box", "drip coffee, 20 bags", "granola", "shortbread tin"]),
    "cosmetics": (4900, 89900, None, ["保湿面霜 50ml", "口红", "防晒霜", "精华液"],
                  ["保濕面霜 50ml", "口紅", "防曬乳", "精華液"],
                  ["moisturiser 50ml", "lipstick", "sunscreen SPF50", "serum"]),
    "custom_made": (9900, 59900, None, ["刻字手链", "定制相框", "定制窗帘"], ["刻字手鍊", "訂製相框", "訂製窗簾"],
                    ["engraved bracelet", "custom photo frame", "made-to-measure curtains"]),
    "digital_download": (600, 19900, None, ["电子书会员 年卡", "游戏兑换码"], ["電子書會員 年卡", "遊戲兌換碼"],
                         ["e-book subscription", "game download code"]),
    "books": (1990, 19900, None, ["长篇小说", "儿童绘本套装", "考研英语词汇"], ["長篇小說", "兒童繪本套裝", "日文檢定單字書"],
              ["hardback novel", "picture book set", "cookbook"]),
    "furniture": (29900, 499900, 365, ["实木书桌", "人体工学椅", "布艺沙发"], ["實木書桌", "人體工學椅", "布沙發"],
                  ["oak desk", "ergonomic chair", "fabric sofa"]),
    "other": (990, 29900, None, ["陶瓷马克杯套装", "收纳箱", "宠物猫砂盆"], ["陶瓷馬克杯組", "收納箱", "寵物貓砂盆"],
              ["stoneware mug set", "storage box", "yoga mat"]),
}
CATEGORIES = table([("apparel", 20), ("shoes", 8), ("electronics", 15), ("small_appliance", 12),
                    ("large_appliance", 3), ("food_fresh", 6), ("food_packaged", 7), ("cosmetics", 9),
                    ("custom_made", 2), ("digital_download", 2), ("books", 5), ("furniture", 3), ("other", 8)])
SKU_PREFIX = {c: c[:3].upper() for c in CATALOGUE}
SKU_PREFIX.update(small_appliance="SAP", large_appliance="LAP", food_fresh="FRS", food_packaged="FPK",
                  custom_made="CUS", digital_download="DIG")
NOT_NO_REASON = ("custom_made", "food_fresh", "digital_download")
PHYSICAL_EXCLUDED_ISSUES = ("damaged_in_transit", "missing_item", "missing_accessory", "lost_in_transit",
                            "delivery_delay", "address_change", "wrong_item", "not_received")

# Which categories each issue happens to (None: any).
ISSUE_CATEGORIES = {
    "expired": table([("food_packaged", 5), ("food_fresh", 2), ("cosmetics", 3)]),
    "malfunction": table([("electronics", 5), ("small_appliance", 4), ("large_appliance", 1)]),
    "missing_accessory": table([("electronics", 5), ("small_appliance", 4), ("large_appliance", 1),
                                ("furniture", 2), ("other", 1)]),
    "counterfeit": table([("cosmetics", 4), ("electronics", 3), ("shoes", 3), ("apparel", 2),
                          ("food_packaged", 1), ("other", 1)]),
    "price_drop": table([("electronics", 5), ("small_appliance", 4), ("large_appliance", 2), ("apparel", 3),
                         ("cosmetics", 3), ("shoes", 2), ("food_packaged", 1), ("furniture", 1), ("other", 1)]),
}
FAULT = {
    "quality_defect": table([("merchant", 70), ("unknown", 30)]),
    "malfunction": table([("merchant", 65), ("unknown", 35)]),
    "not_as_described": table([("merchant", 80), ("unknown", 20)]),
    "wrong_item": table([("merchant", 95), ("unknown", 5)]),
    "missing_item": table([("merchant", 55), ("carrier", 20), ("unknown", 25)]),
    "missing_accessory": table([("merchant", 75), ("unknown", 25)]),
    "expired": table([("merchant", 100)]),
    "damaged_in_transit": table([("carrier", 55), ("packaging", 25), ("unknown", 20)]),
    "delivery_delay": table([("carrier", 60), ("merchant", 25), ("unknown", 15)]),
    "lost_in_transit": table([("carrier", 85), ("unknown", 15)]),
    "refund_delay": table([("merchant", 70), ("unknown", 30)]),
    "complaint": table([("merchant", 50), ("carrier", 15), ("unknown", 35)]),
    "coupon_problem": table([("merchant", 45), ("customer", 30), ("unknown", 25)]),
    "duplicate_payment": table([("unknown", 70), ("merchant", 30)]),
    "payment_failed": table([("unknown", 100)]),
    "not_received": table([("carrier", 40), ("unknown", 60)]),
    "counterfeit": table([("unknown", 80), ("merchant", 20)]),
    "invoice": table([("merchant", 45), ("customer", 25), ("unknown", 30)]),
}
EVIDENCE_BY_ISSUE = {  # (usual evidence, chance of none)
    "quality_defect": (["photo", "video"], 0.25), "malfunction": (["video", "photo"], 0.35),
    "not_as_described": (["photo", "screenshot"], 0.25), "wrong_item": (["photo"], 0.2),
    "missing_item": (["unboxing_video", "photo", "courier_note"], 0.35),
    "missing_accessory": (["photo", "unboxing_video"], 0.3), "expired": (["photo"], 0.15),
    "damaged_in_transit": (["photo", "unboxing_video", "courier_note", "video"], 0.15),
    "delivery_delay": (["screenshot"], 0.7), "lost_in_transit": (["screenshot", "courier_note"], 0.6),
    "payment_failed": (["screenshot"], 0.3), "duplicate_payment": (["screenshot"], 0.2),
    "coupon_problem": (["screenshot"], 0.3), "refund_delay": (["screenshot"], 0.5),
    "complaint": (["screenshot", "photo"], 0.6), "not_received": (["screenshot"], 0.75),
    "counterfeit": (["photo", "screenshot", "video"], 0.3), "price_drop": (["screenshot"], 0.4),
    "invoice": (["screenshot"], 0.5),
}
REQUESTS = {
    "quality_defect": table([("return_refund", 45), ("exchange", 25), ("repair", 10), ("refund_only", 12),
                             ("compensation", 8)]),
    "malfunction": table([("return_refund", 35), ("exchange", 30), ("repair", 30), ("compensation", 5)]),
    "not_as_described": table([("return_refund", 60), ("exchange", 20), ("refund_only", 10),
                               ("compensation", 10)]),
    "wrong_item": table([("exchange", 55), ("return_refund", 40), ("refund_only", 5)]),
    "missing_item": table([("reship", 60), ("refund_only", 40)]),
    "missing_accessory": table([("reship", 70), ("compensation", 20), ("refund_only", 10)]),
    "expired": table([("refund_only", 70), ("return_refund", 20), ("compensation", 10)]),
    "damaged_in_transit": table([("reship", 45), ("return_refund", 25), ("refund_only", 25),
                                 ("compensation", 5)]),
    "delivery_delay": table([("none", 45), ("cancel", 30), ("compensation", 25)]),
    "lost_in_transit": table([("reship", 50), ("refund_only", 50)]),
    "payment_failed": table([("none", 60), ("cancel", 25), ("refund_only", 15)]),
    "duplicate_payment": table([("refund_only", 95), ("none", 5)]),
    "coupon_problem": table([("compensation", 55), ("refund_only", 25), ("none", 10), ("cancel", 10)]),
    "refund_delay": table([("none", 70), ("compensation", 20), ("refund_only", 10)]),
    "complaint": table([("none", 55), ("compensation", 35), ("refund_only", 10)]),
    "not_received": table([("refund_only", 45), ("reship", 45), ("none", 10)]),
    "counterfeit": table([("return_refund", 45), ("refund_only", 30), ("compensation", 25)]),
    "price_drop": table([("refund_only", 60), ("compensation", 20), ("return_refund", 15), ("cancel", 5)]),
    "invoice": table([("none", 92), ("compensation", 8)]),
}
# After the parcel was refused at the door (it goes back by itself).
REFUSED_REQUESTS = {
    "damaged_in_transit": table([("refund_only", 70), ("reship", 30)]),
    "delivery_delay": table([("cancel", 60), ("refund_only", 40)]),
    "no_reason": table([("refund_only", 80), ("cancel", 20)]),
}
REFUSED_SHARE = {"refund_delay": 0.2, "damaged_in_transit": 0.07, "delivery_delay": 0.06, "no_reason": 0.03}
GOES_BACK = ("return_refund", "exchange", "repair")
GOODS_ISSUES = ("quality_defect", "not_as_described", "damaged_in_transit", "wrong_item", "missing_item",
                "missing_accessory", "malfunction", "expired", "no_reason", "complaint", "counterfeit")
# Local contact day after delivery (0 = the day of delivery); mass on 6-8 and 14-16.
DAYS = table([(0, 8), (1, 12), (2, 11), (3, 9), (4, 7), (5, 6), (6, 9), (7, 14), (8, 10), (9, 4),
              (10, 3), (11, 2), (12, 2), (13, 2), (14, 4), (15, 6), (16, 4), (18, 2), (20, 2), (25, 2),
              (30, 2), (35, 1), (40, 1)])
# A parcel that says delivered and never arrived is reported at once.
NOT_RECEIVED_DAYS = table([(0, 30), (1, 30), (2, 15), (3, 10), (4, 6), (5, 5), (6, 4)])
# Price-drop claims: local day after payment; mass at the ends of 7/15/30-day protection.
PRICE_DAYS = table([(1, 4), (2, 5), (3, 6), (4, 5), (5, 5), (6, 6), (7, 9), (8, 7), (9, 3), (10, 3),
                    (12, 3), (14, 5), (15, 7), (16, 5), (18, 2), (20, 2), (25, 2), (29, 3), (30, 5),
                    (31, 4), (35, 2)])
ZONES = {name: ZoneInfo(name) for name in
         ("Asia/Shanghai", "Asia/Taipei", "Asia/Hong_Kong", "Asia/Macau", "Asia/Singapore", "Europe/London",
          "Europe/Berlin", "Europe/Paris", "Europe/Amsterdam", "Europe/Dublin", "America/New_York",
          "America/Los_Angeles", "Australia/Sydney")}
UTC8 = timezone(timedelta(hours=8))  # no DST in these since 1991 or earlier
UTC8_ZONES = ("Asia/Shanghai", "Asia/Taipei", "Asia/Hong_Kong", "Asia/Macau", "Asia/Singapore")
EPOCH = datetime(2025, 1, 1, tzinfo=timezone.utc)
SPAN_MINUTES = 640 * 24 * 60  # orders paid 2025-01-01 .. 2026-10-02


def tzof(zone):
    return UTC8 if zone in UTC8_ZONES else ZONES[zone]


def stamp(moment, zone):
    """RFC 3339 with the zone's offset at that instant."""
    return moment.astimezone(tzof(zone)).isoformat()


def price(rng, lo, hi):
    """A list price in cents: mostly .90/.00/.99 endings, sometimes arbitrary."""
    cents = ri(rng, lo, hi)
    r = rng.random()
    if r < 0.45:
        return max(lo, cents // 1000 * 1000 + 900)   # 159.00 -> 15900, 89.00 -> 8900
    if r < 0.7:
        return max(lo, cents // 100 * 100 + 90)       # 89.90
    if r < 0.8:
        return max(lo, cents // 100 * 100 + 99)       # 9.99
    return cents


def order_id(rng, platform, paid_at, country, seed, n):
    if platform in ("taobao", "tmall"):
        return str(rng.randrange(10 ** 17, 4 * 10 ** 18))
    if platform == "jd":
        return str(rng.randrange(2 * 10 ** 11, 3 * 10 ** 11))
    if platform == "pdd":
        return f"{paid_at.astimezone(UTC8):%y%m%d}-{rng.randrange(10 ** 14, 10 ** 15)}"
    if platform == "douyin":
        return str(rng.randrange(69 * 10 ** 17, 70 * 10 ** 17))
    return f"{OWN_PREFIX.get(country, country)}-{paid_at.year}-{seed % 1000:03d}{n:07d}"


def opened_on_day(rng, after, zone, day):
    """A contact on local calendar day `day` after the instant `after`, often
    late at night; never before `after`."""
    tz = tzof(zone)
    local_day = after.astimezone(tz).date() + timedelta(days=day)
    r = rng.random()
    if r < 0.25:
        minute = ri(rng, 22 * 60, 24 * 60 - 1)    # late evening, before midnight
    elif r < 0.35:
        minute = ri(rng, 0, 45)                   # just after midnight
    else:
        minute = ri(rng, 8 * 60, 22 * 60 - 1)
    opened = datetime.combine(local_day, time(minute // 60, minute % 60, ri(rng, 0, 59)), tz)
    if opened <= after:
        opened = after + timedelta(minutes=ri(rng, 20, 300))
    return opened


def pieces_percent(rng):
    """The share one or a few pieces of a set make: 1 of 6 -> 17."""
    n = ri(rng, 2, 12)
    return max(1, round(100 * ri(rng, 1, n - 1) / n))


def one_case(rng, seed, n):
    issue = pick(rng, ISSUES)
    locale = pick(rng, LOCALES)
    if locale == "en":
        platform = pick(rng, EN_PLATFORMS)
        country, zone = pick(rng, EN_OWN_PLACES if platform == "own" else EN_MARKET_PLACES)
    else:
        platform = pick(rng, ZH_PLATFORMS)
        country, zone = pick(rng, ZH_TW_PLACES) if locale == "zh-TW" else ("CN", "Asia/Shanghai")
    en = locale == "en"
    category = pick(rng, ISSUE_CATEGORIES[issue]) if issue in ISSUE_CATEGORIES else pick(rng, CATEGORIES)
    if category == "digital_download" and issue in PHYSICAL_EXCLUDED_ISSUES:
        category = "books"
    lo, hi, warranty, zh_names, tw_names, en_names = CATALOGUE[category]
    name = ch(rng, en_names if en else tw_names if locale == "zh-TW" else zh_names)

    # Money, in cents. The item is one line; about a third of the orders have
    # other lines too, and the outbound shipping is the order's.
    quantity = 1 if rng.random() < 0.85 else ri(rng, 2, 3)
    unit = price(rng, lo, hi)
    item_paid = unit * quantity
    other_lines = 0
    if rng.random() < 0.35:
        for _ in range(1 if rng.random() < 0.6 else ri(rng, 2, 3)):
            other_lines += price(rng, 990, 19900)
    if rng.random() < 0.45:  # an order discount shared out: odd cents
        share = ri(rng, 3, 30) / 100
        item_paid -= int(item_paid * share * rng.random()) or 1
    free_shipping = category == "digital_download" or platform in ("tmall", "pdd") or rng.random() < 0.6
    shipping = 0 if free_shipping else ch(rng, [499, 599, 800, 1000, 1200] if en else [500, 800, 1000, 1200])
    total = item_paid + other_lines + shipping
    if issue == "payment_failed":  # the order was never paid: nothing paid, on the order or the line
        item_paid = total = shipping = 0

    # Where the order stands when the customer gets in touch.
    if issue == "payment_failed":
        stage = "unpaid"
    elif issue == "address_change":
        stage = "not_shipped" if rng.random() < 0.6 else "in_transit"
    elif issue == "delivery_delay":
        stage = "not_shipped" if rng.random() < 0.25 else "in_transit"
    elif issue == "lost_in_transit":
        stage = "in_transit"
    elif issue == "duplicate_payment":
        stage = "not_shipped" if rng.random() < 0.6 else "delivered"
    elif issue in ("no_reason", "coupon_problem", "complaint") and rng.random() < 0.1:
        stage = "not_shipped"
    elif issue in ("price_drop", "invoice"):
        r = rng.random()
        stage = "not_shipped" if r < 0.12 else "in_transit" if r < 0.27 else "delivered"
    else:
        stage = "delivered"
    if stage in ("delivered", "in_transit") and rng.random() < REFUSED_SHARE.get(issue, 0):
        stage = "refused"
    if category == "digital_download":
        stage = "unpaid" if stage == "unpaid" else "delivered"

    paid_at = EPOCH + timedelta(minutes=ri(rng, 0, SPAN_MINUTES), seconds=ri(rng, 0, 59))
    shipped_at = paid_at + timedelta(minutes=ri(rng, 40, 72 * 60))
    delivered_at = shipped_at + timedelta(minutes=ri(rng, 10 * 60, 5 * 24 * 60))
    if category == "digital_download":
        shipped_at = paid_at + timedelta(seconds=ri(rng, 5, 60))
        delivered_at = shipped_at + timedelta(seconds=ri(rng, 1, 30))
    overdue = 0
    if stage in ("unpaid", "not_shipped"):
        if issue == "delivery_delay":  # late shipment: past the promised dispatch time
            overdue = ch(rng, [6, 12, 24, 30, 48, 72, 96])
            opened = paid_at + timedelta(hours=48 + overdue, minutes=ri(rng, 0, 59))
        elif issue == "price_drop":
            opened = opened_on_day(rng, paid_at, zone, ri(rng, 1, 2))
        else:
            opened = paid_at + timedelta(minutes=ri(rng, 2, 36 * 60))
    elif stage == "in_transit":
        if issue == "lost_in_transit":
            opened = shipped_at + timedelta(minutes=ri(rng, 4 * 24 * 60, 15 * 24 * 60))
        elif issue == "address_change":
            opened = shipped_at + timedelta(minutes=ri(rng, 60, 48 * 60))
        else:
            opened = shipped_at + timedelta(minutes=ri(rng, 12 * 60, 9 * 24 * 60))
        if issue in ("delivery_delay", "lost_in_transit"):
            overdue = max(0, int((opened - shipped_at).total_seconds() // 3600) - 72)
            if issue == "delivery_delay" and overdue == 0 and rng.random() < 0.7:
                overdue = ch(rng, [2, 5, 12, 24, 36, 48])
    elif stage == "refused":  # refused at the door, then the customer gets in touch
        opened = shipped_at + timedelta(minutes=ri(rng, 24 * 60, 10 * 24 * 60))
        if issue == "delivery_delay":
            overdue = ch(rng, [12, 24, 36, 48, 72])
    elif issue == "not_received":
        opened = opened_on_day(rng, delivered_at, zone, pick(rng, NOT_RECEIVED_DAYS))
    elif issue == "price_drop":
        opened = opened_on_day(rng, paid_at, zone, pick(rng, PRICE_DAYS))
        if opened <= delivered_at:
            opened = delivered_at + timedelta(minutes=ri(rng, 20, 600))
    else:
        day = pick(rng, DAYS)
        if warranty is not None and issue in ("quality_defect", "malfunction") and rng.random() < 0.15:
            day = ri(rng, 41, min(warranty + 30, 400))  # a warranty claim months later
        opened = opened_on_day(rng, delivered_at, zone, day)
    opened_s = stamp(opened, zone)
    days_since_delivery = (opened - delivered_at).days

    emotion = pick(rng, EMOTIONS)
    contacts = 1 if rng.random() < 0.78 else ch(rng, [2, 2, 2, 3, 3, 4, 5])
    if contacts >= 3 and emotion == "calm":
        emotion = "angry" if rng.random() < 0.5 else "anxious"
    customer = {"tier": "vip" if rng.random() < 0.07 else "regular", "emotion": emotion}
    if rng.random() < 0.9:  # not every backend has the CRM count
        customer["complaints_90d"] = 0 if rng.random() < 0.75 else ch(rng, [1, 1, 1, 2, 2, 3, 5])
    customer["contacts_on_case"] = contacts

    order = {"id": order_id(rng, platform, paid_at, country, seed, n)}
    if stage == "unpaid":
        order["status"] = "unpaid"
    elif stage == "not_shipped":
        order["status"] = "paid"
        order["paid_at"] = stamp(paid_at, zone)
    elif stage in ("in_transit", "refused"):
        order["status"] = "shipped"
        order["paid_at"] = stamp(paid_at, zone)
        order["shipped_at"] = stamp(shipped_at, zone)
    else:
        order["status"] = "completed" if issue != "not_received" and rng.random() < 0.25 else "delivered"
        order["paid_at"] = stamp(paid_at, zone)
        order["shipped_at"] = stamp(shipped_at, zone)
        order["delivered_at"] = stamp(delivered_at, zone)
    order["total_paid_cents"] = total
    order["shipping_fee_cents"] = shipping
    if issue == "duplicate_payment":  # our records show the second charge, or not yet
        duplicate = total if rng.random() < 0.9 else 0
    elif total > 0 and (stage == "not_shipped" or issue == "refund_delay") and rng.random() < 0.06:
        duplicate = total  # charged twice; the customer cancels or chases a refund instead
    else:
        duplicate = 0
    order["duplicate_charge_cents"] = duplicate
    order["payment_method"] = pick(rng, EN_PAYMENT if en else ZH_PAYMENT)
    insured = (platform in ("taobao", "tmall") and rng.random() < 0.4) or (platform == "own" and rng.random() < 0.1)
    if category == "digital_download":
        insured = False
    order["freight_insurance"] = insured
    if insured:
        order["freight_insurance_cap_cents"] = ch(rng, INSURANCE_CAPS)

    received = stage == "delivered" and issue != "not_received"
    item = {"sku": f"{SKU_PREFIX[category]}-{ri(rng, 1000, 9999)}-{ch(rng, 'ABCDEFGHJK')}",
            "name": name, "category": category, "quantity": quantity, "paid_cents": item_paid}
    if received and category != "digital_download":
        opened_box = issue not in ("wrong_item", "missing_item") and rng.random() < 0.75 or \
            issue in ("quality_defect", "malfunction", "missing_accessory", "expired", "counterfeit")
        used = opened_box and (rng.random() < (0.6 if issue in ("quality_defect", "malfunction") else 0.2))
        intact = (not used and rng.random() < 0.93) or (used and rng.random() < 0.6)
    elif received:  # a code that was delivered is "opened" once shown
        opened_box, used, intact = True, rng.random() < 0.5, True
    else:
        opened_box, used, intact = False, False, True
    if issue != "not_received":  # nobody can say what state goods nobody has seen are in
        item.update(opened=opened_box, used=used, intact=intact)
    item["no_reason_return"] = category not in NOT_NO_REASON and rng.random() < 0.97
    if warranty is not None:
        item["warranty_days"] = warranty
        if issue in ("quality_defect", "malfunction") and rng.random() < 0.85:
            # Earlier repairs of the same fault: only on goods that have been in use a while.
            item["repairs"] = pick(rng, REPAIRS) if days_since_delivery >= 20 else 0
        elif rng.random() < 0.3:
            item["repairs"] = 0
    electrical = category in ("electronics", "small_appliance")
    item["safety_hazard"] = electrical and issue in ("quality_defect", "malfunction", "damaged_in_transit") \
        and rng.random() < 0.04
    if issue == "price_drop":
        if rng.random() < 0.88:  # the same units cost less today
            cut = ri(rng, 5, 40) / 100
            now_unit = max(100, int(unit * (1 - cut)) // 100 * 100 + ch(rng, [0, 90, 99]))
            current = min(now_unit * quantity, item_paid - ri(rng, 1, 3) * 100)
        else:  # no drop against what was paid (a coupon price, another variant)
            current = unit * quantity
        item["current_price_cents"] = max(100, current)
        days = pick(rng, PROTECTION_DAYS)
        if days is not None:
            item["price_protection_days"] = days

    misuse = issue in ("quality_defect", "malfunction") and rng.random() < 0.12
    issue_doc = {"type": issue, "reported_at": opened_s}
    usual, none_chance = EVIDENCE_BY_ISSUE.get(issue, ([], 1.0))
    if rng.random() < none_chance:
        evidence = []
    else:
        evidence = [e for e in EVIDENCE if e in usual and rng.random() < 0.45] or [usual[0]]
        if rng.random() < 0.05:
            evidence.append(ch(rng, [e for e in EVIDENCE if e not in evidence]))
            evidence = [e for e in EVIDENCE if e in evidence]
    issue_doc["evidence"] = evidence
    if issue in ("quality_defect", "malfunction", "not_as_described", "damaged_in_transit"):
        issue_doc["misuse"] = misuse
    if misuse:
        issue_doc["fault"] = "customer"
    elif issue == "delivery_delay" and stage == "not_shipped":
        issue_doc["fault"] = "merchant"  # late shipment: the merchant missed its dispatch time
    elif issue in FAULT:
        issue_doc["fault"] = pick(rng, FAULT[issue])
    if issue not in ("no_reason", "address_change", "payment_failed", "duplicate_payment", "coupon_problem",
                     "price_drop", "invoice"):
        issue_doc["severity"] = "major" if item["safety_hazard"] or rng.random() < 0.3 else "minor"
    elif issue in ("price_drop", "invoice"):
        issue_doc["severity"] = "major" if rng.random() < 0.08 else "minor"
    if received:
        if category == "food_fresh" and issue in ("quality_defect", "not_as_described") and rng.random() < 0.65:
            issue_doc["affected_percent"] = ch(rng, FRESH_AFFECTED) if rng.random() < 0.8 else ri(rng, 1, 100)
        elif issue == "missing_item" and rng.random() < 0.35:
            issue_doc["affected_percent"] = pieces_percent(rng)
        elif issue == "damaged_in_transit" and rng.random() < 0.25:
            issue_doc["affected_percent"] = pieces_percent(rng)

    if stage == "delivered":
        status = "delivered"
    elif stage == "refused":
        status = "refused"
    elif stage == "in_transit":
        status = "lost" if issue == "lost_in_transit" and rng.random() < 0.5 else \
            ("out_for_delivery" if rng.random() < 0.15 else "in_transit")
    else:
        status = "not_shipped"
    logistics = {"status": status}
    if stage not in ("unpaid", "not_shipped") and category != "digital_download":
        logistics["carrier"] = ch(rng, CARRIERS.get(country, ZH_CARRIERS))
        if status == "delivered" and rng.random() < 0.85:
            logistics["signed_by"] = pick(rng, SIGNED_BY_NOT_RECEIVED if issue == "not_received" else SIGNED_BY)
    logistics["overdue_hours"] = overdue
    if status in ("in_transit", "out_for_delivery"):
        logistics["interceptable"] = rng.random() < (0.7 if status == "in_transit" else 0.3)
    elif status == "not_shipped":
        logistics["interceptable"] = True

    if stage == "refused" and issue in REFUSED_REQUESTS:
        rtype = pick(rng, REFUSED_REQUESTS[issue])
    elif issue == "no_reason":
        if stage == "not_shipped":
            rtype = "cancel"
        elif category in ("apparel", "shoes") and rng.random() < 0.45:
            rtype = "exchange"  # wrong size
        else:
            rtype = "return_refund"
    elif issue == "address_change":
        rtype = "modify_address" if rng.random() < 0.9 else "cancel"
    elif stage == "not_shipped" and issue in ("coupon_problem", "complaint"):
        rtype = "cancel"
    else:
        rtype = pick(rng, REQUESTS[issue])
        if rtype == "repair" and warranty is None:
            rtype = "exchange"
        if category == "digital_download" and rtype in GOES_BACK + ("reship",):
            rtype = "refund_only"
        if stage != "delivered" and rtype in GOES_BACK:
            rtype = "refund_only"
        if issue == "price_drop" and rtype == "cancel" and stage != "not_shipped":
            rtype = "refund_only"  # once shipped, the difference is what is asked for
    if duplicate and issue != "duplicate_payment" and stage == "not_shipped" and rng.random() < 0.7:
        rtype = "cancel"  # charged twice: cancel the whole thing
    request = {"type": rtype}
    # The backend quotes the return freight when the goods could go back, so
    # the policy may choose a return even when the customer asked for less;
    # at first contact (about a third of those cases) nobody has quoted it yet.
    if rtype in GOES_BACK or (received and category != "digital_download" and issue in GOODS_ISSUES):
        if rng.random() >= 0.35:
            heavy = category in ("large_appliance", "furniture")
            request["return_shipping_cents"] = ri(rng, 1800, 2500) if heavy else ri(rng, 800, 2000)

    case_doc = {"id": f"C-{seed}-{n}", "platform": platform,
                "channel": pick(rng, EN_CHANNELS if en else ZH_CHANNELS), "locale": locale, "timezone": zone}
    if country != "CN" or rng.random() < 0.75:  # CN is the default; many backends leave it out
        case_doc["country"] = country
    case_doc["opened_at"] = opened_s
    if platform != "own" and rng.random() < 0.6:  # only marketplaces have their own staff to step in
        chance = INTERVENTION.get(issue, 0.005) * (2 if contacts >= 3 else 1)
        case_doc["platform_intervention"] = rng.random() < chance
    case = {"case": case_doc, "customer": customer, "order": order, "item": item, "issue": issue_doc,
            "logistics": logistics, "request": request}

    if rng.random() < 0.005:  # a realistic gap: one field the backend did not send
        group, key = ch(rng, [("order", "delivered_at"), ("order", "payment_method"), ("item", "intact"),
                                 ("item", "opened"), ("item", "no_reason_return"), ("issue", "evidence"),
                                 ("request", "return_shipping_cents"), ("logistics", "overdue_hours"),
                                 ("case", "timezone"), ("customer", "tier"), ("item", "paid_cents"),
                                 ("logistics", "signed_by"), ("case", "country")])
        if key in ("timezone", "country") and country != "CN":
            key = "channel"  # the defaults (Asia/Shanghai, CN) would move the day boundaries and the law
        case[group].pop(key, None)
    return case


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 epilog="Same --seed, same bytes. See the module docstring for what is generated.")
    ap.add_argument("--count", type=int, required=True, help="number of cases (lines) to write")
    ap.add_argument("--seed", type=int, required=True, help="random seed; also part of each case.id (C-SEED-N)")
    ap.add_argument("--out", default="-", help="output file (default: stdout)")
    args = ap.parse_args(argv)
    if args.count < 0:
        ap.error("--count must be >= 0")
    rng = random.Random(args.seed)
    if args.out == "-":
        out = open(sys.stdout.fileno(), "w", encoding="utf-8", newline="\n", closefd=False)
    else:
        out = open(args.out, "w", encoding="utf-8", newline="\n")
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    try:
        buf = []
        for n in range(1, args.count + 1):
            buf.append(dumps(one_case(rng, args.seed, n)))
            if len(buf) >= 2000:
                buf.append("")
                out.write("\n".join(buf))
                buf = []
        if buf:
            buf.append("")
            out.write("\n".join(buf))
    except BrokenPipeError:
        return 0
    finally:
        try:
            out.close()
        except BrokenPipeError:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
