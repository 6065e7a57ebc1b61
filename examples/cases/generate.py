#!/usr/bin/env python3
"""Generates realistic historical after-sales cases as JSON Lines, for
policy dry-runs (`aftersales decide --cases`, `aftersales diff`).

Deterministic: the same --seed gives byte-identical output. Streaming:
memory stays flat for any --count. Every field name and enum word is the
vocabulary's (../shared/vocabulary.md); values are consistent (paid before
shipped before delivered before the contact, money in integer cents, item
paid within the order total), with the mass of contacts around the 7-day
and 15-day boundaries and late in the evening, where the day rules bite.

Usage: generate.py --count N [--seed S] [--out FILE]
"""
import argparse
import json
import random
import sys
from datetime import datetime, timedelta, timezone

ISSUES = [  # (type, weight)
    ("quality_defect", 16), ("no_reason", 16), ("delivery_delay", 12), ("malfunction", 8),
    ("damaged_in_transit", 7), ("not_as_described", 6), ("wrong_item", 5), ("missing_item", 4),
    ("missing_accessory", 3), ("lost_in_transit", 3), ("address_change", 4), ("refund_delay", 4),
    ("complaint", 3), ("expired", 2), ("payment_failed", 2), ("duplicate_payment", 1), ("coupon_problem", 1),
]
PLATFORMS = [("taobao", 30), ("tmall", 25), ("jd", 20), ("pdd", 10), ("douyin", 8), ("own", 7)]
CHANNELS = [("chat", 70), ("phone", 12), ("email", 8), ("social", 10)]
EMOTIONS = [("calm", 55), ("anxious", 30), ("angry", 12), ("abusive", 3)]
PAYMENT = [("alipay", 50), ("wechat", 35), ("card", 10), ("cod", 3), ("other", 2)]
CARRIERS = ["SF Express", "ZTO", "YTO", "JD Logistics", "STO", "Yunda", "EMS"]
EVIDENCE = ["photo", "video", "unboxing_video", "courier_note", "screenshot"]

# category -> (price range in cents, warranty days, names zh-CN, zh-TW, en)
CATALOGUE = {
    "apparel": ((3900, 39900), 0, ["纯棉T恤", "羊毛针织衫", "牛仔裤"], ["純棉T恤", "羊毛針織衫", "牛仔褲"],
                ["cotton T-shirt", "wool jumper", "denim jeans"]),
    "shoes": ((9900, 89900), 0, ["跑步鞋", "帆布鞋"], ["跑步鞋", "帆布鞋"], ["running shoes", "canvas sneakers"]),
    "electronics": ((4900, 699900), 365, ["蓝牙耳机", "充电宝 20000mAh", "智能手表"],
                    ["藍牙耳機", "行動電源 20000mAh", "智慧手錶"], ["wireless earbuds", "power bank", "smart watch"]),
    "small_appliance": ((5900, 129900), 365, ["电热水壶 1.7L", "电吹风", "空气炸锅"],
                        ["電熱水壺 1.7L", "吹風機", "氣炸鍋"], ["electric kettle", "hair dryer", "air fryer"]),
    "large_appliance": ((99900, 899900), 730, ["滚筒洗衣机", "双门冰箱"], ["滾筒洗衣機", "雙門冰箱"],
                        ["washing machine", "fridge freezer"]),
    "food_fresh": ((2990, 19990), 0, ["海南芒果 5斤", "冷冻带鱼"], ["海南芒果 5斤", "冷凍白帶魚"],
                   ["fresh mangoes", "frozen fish"]),
    "food_packaged": ((990, 9990), 0, ["坚果礼盒", "挂耳咖啡"], ["堅果禮盒", "掛耳咖啡"], ["nut gift box", "drip coffee"]),
    "cosmetics": ((4900, 59900), 0, ["保湿面霜", "口红"], ["保濕面霜", "口紅"], ["moisturiser", "lipstick"]),
    "custom_made": ((9900, 49900), 0, ["刻字手链", "定制相框"], ["刻字手鍊", "訂製相框"],
                    ["engraved bracelet", "custom photo frame"]),
    "digital_download": ((990, 19900), 0, ["电子书会员", "游戏兑换码"], ["電子書會員", "遊戲兌換碼"],
                         ["e-book subscription", "game code"]),
    "books": ((1990, 12900), 0, ["长篇小说", "儿童绘本"], ["長篇小說", "兒童繪本"], ["novel", "picture book"]),
    "furniture": ((29900, 399900), 365, ["实木书桌", "人体工学椅"], ["實木書桌", "人體工學椅"],
                  ["oak desk", "ergonomic chair"]),
    "other": ((990, 29900), 0, ["陶瓷马克杯套装", "收纳箱"], ["陶瓷馬克杯組", "收納箱"], ["mug set", "storage box"]),
}
CATEGORY_WEIGHTS = [("apparel", 20), ("shoes", 8), ("electronics", 15), ("small_appliance", 12),
                    ("large_appliance", 3), ("food_fresh", 6), ("food_packaged", 6), ("cosmetics", 8),
                    ("custom_made", 3), ("digital_download", 3), ("books", 5), ("furniture", 3), ("other", 8)]
BASE_TIME = datetime(2026, 1, 5, tzinfo=timezone.utc)
ZONES = {"Asia/Shanghai": 8, "Asia/Taipei": 8, "Europe/London": 0, "America/New_York": -5}


def pick(rng, weighted):
    total = sum(w for _, w in weighted)
    x = rng.uniform(0, total)
    for value, w in weighted:
        x -= w
        if x <= 0:
            return value
    return weighted[-1][0]


def ts(moment, zone):
    offset = ZONES[zone]
    local = moment.astimezone(timezone(timedelta(hours=offset)))
    return local.isoformat(timespec="seconds")


def one_case(rng, seed, n):
    issue = pick(rng, ISSUES)
    locale = pick(rng, [("zh-CN", 85), ("zh-TW", 7), ("en", 8)])
    platform = "own" if locale == "en" and rng.random() < 0.8 else pick(rng, PLATFORMS)
    zone = {"zh-CN": "Asia/Shanghai", "zh-TW": "Asia/Taipei" if rng.random() < 0.5 else "Asia/Shanghai",
            "en": "Europe/London" if rng.random() < 0.6 else "America/New_York"}[locale]
    category = pick(rng, CATEGORY_WEIGHTS)
    if issue == "expired":
        category = rng.choice(["food_packaged", "food_fresh", "cosmetics"])
    (lo, hi), warranty, zh, tw, en = CATALOGUE[category]
    name = rng.choice({"zh-CN": zh, "zh-TW": tw, "en": en}[locale])
    quantity = 1 if rng.random() < 0.85 else rng.randint(2, 3)
    unit = rng.randint(lo, hi)
    item_paid = unit * quantity - (rng.randint(0, unit // 10) if rng.random() < 0.4 else 0)
    other = rng.randint(0, 20000) if rng.random() < 0.3 else 0
    shipping = 0 if rng.random() < 0.7 else rng.choice([500, 800, 1000, 1200])
    total = item_paid + other + shipping

    paid_at = BASE_TIME + timedelta(minutes=rng.randint(0, 300 * 24 * 60))
    shipped_at = paid_at + timedelta(minutes=rng.randint(60, 72 * 60))
    delivered_at = shipped_at + timedelta(minutes=rng.randint(12 * 60, 5 * 24 * 60))
    before_shipping = issue in ("address_change", "payment_failed", "duplicate_payment") or (
        issue == "coupon_problem" and rng.random() < 0.5)
    in_transit = issue in ("delivery_delay", "lost_in_transit") or (issue == "address_change" and rng.random() < 0.5)
    if issue == "address_change" and in_transit:
        before_shipping = False

    # Contact time: mass around day 7/8 and 15/16, late in the evening.
    if before_shipping:
        opened = paid_at + timedelta(minutes=rng.randint(5, 48 * 60))
    elif in_transit:
        opened = shipped_at + timedelta(minutes=rng.randint(24 * 60, 8 * 24 * 60))
    else:
        day = rng.choice([0, 1, 2, 3, 5, 6, 7, 7, 7, 8, 8, 10, 14, 15, 15, 16, 20, 30, 40])
        local_midnight = (delivered_at + timedelta(hours=ZONES[zone])).replace(hour=0, minute=0, second=0)
        minute = rng.choice([rng.randint(0, 24 * 60 - 1), rng.randint(23 * 60, 24 * 60 - 1), rng.randint(0, 30)])
        opened = local_midnight + timedelta(days=day, minutes=minute) - timedelta(hours=ZONES[zone])
        if opened <= delivered_at:
            opened = delivered_at + timedelta(minutes=rng.randint(10, 600))

    case = {"case": {"id": f"C-{seed}-{n}", "platform": platform, "channel": pick(rng, CHANNELS),
                     "locale": locale, "timezone": zone, "opened_at": ts(opened, zone)},
            "customer": {"tier": "vip" if rng.random() < 0.08 else "regular", "emotion": pick(rng, EMOTIONS),
                         "complaints_90d": rng.choice([0, 0, 0, 0, 1, 2]),
                         "contacts_on_case": rng.choice([1, 1, 1, 1, 2, 3])}}
    prefix = {"taobao": "TB", "tmall": "TM", "jd": "JD", "pdd": "PDD", "douyin": "DY", "own": "OWN"}[platform]
    order = {"id": f"{prefix}{paid_at:%Y%m%d}{rng.randint(100000, 999999)}", "paid_at": ts(paid_at, zone),
             "total_paid_cents": total, "shipping_fee_cents": shipping,
             "duplicate_charge_cents": total if issue == "duplicate_payment" else 0,
             "payment_method": pick(rng, PAYMENT),
             "freight_insurance": platform in ("taobao", "tmall") and rng.random() < 0.4}
    if order["freight_insurance"]:
        order["freight_insurance_cap_cents"] = rng.choice([1000, 1200, 1500, 2000, 2500])
    logistics = {"carrier": rng.choice(CARRIERS)}
    if before_shipping:
        order["status"] = "paid"
        logistics.update(status="not_shipped", overdue_hours=0, interceptable=True)
    elif in_transit:
        order.update(status="shipped", shipped_at=ts(shipped_at, zone))
        lost = issue == "lost_in_transit"
        logistics.update(status="lost" if lost and rng.random() < 0.6 else "in_transit",
                         overdue_hours=rng.choice([0, 6, 24, 48, 72, 120]) if issue != "address_change" else 0,
                         interceptable=rng.random() < 0.6)
    else:
        order.update(status="completed" if rng.random() < 0.3 else "delivered", shipped_at=ts(shipped_at, zone),
                     delivered_at=ts(delivered_at, zone))
        logistics.update(status="delivered", overdue_hours=0, interceptable=False)
    case["order"] = order

    opened_box = rng.random() < 0.7
    item = {"sku": f"{category[:3].upper()}-{rng.randint(1000, 9999)}", "name": name, "category": category,
            "quantity": quantity, "paid_cents": item_paid, "opened": opened_box,
            "used": opened_box and rng.random() < 0.4, "intact": rng.random() < 0.9,
            "no_reason_return": category not in ("custom_made", "food_fresh", "digital_download"),
            "warranty_days": warranty,
            "safety_hazard": category in ("electronics", "small_appliance") and issue in (
                "quality_defect", "malfunction") and rng.random() < 0.06}
    case["item"] = item

    evidence = sorted(set(rng.sample(EVIDENCE, rng.randint(0, 2))))
    case["issue"] = {"type": issue, "reported_at": case["case"]["opened_at"], "evidence": evidence,
                     "misuse": issue in ("quality_defect", "malfunction") and rng.random() < 0.08,
                     "fault": pick(rng, [("merchant", 30), ("carrier", 20), ("packaging", 10), ("customer", 10),
                                         ("unknown", 30)]),
                     "severity": "major" if rng.random() < 0.3 else "minor"}
    request = {
        "quality_defect": lambda: pick(rng, [("return_refund", 50), ("exchange", 30), ("repair", 15),
                                             ("refund_only", 5)]),
        "malfunction": lambda: pick(rng, [("return_refund", 40), ("exchange", 30), ("repair", 30)]),
        "no_reason": lambda: "exchange" if category in ("apparel", "shoes") and rng.random() < 0.4 else
                             "return_refund",
        "damaged_in_transit": lambda: rng.choice(["reship", "return_refund", "refund_only"]),
        "wrong_item": lambda: rng.choice(["exchange", "return_refund"]),
        "missing_item": lambda: rng.choice(["reship", "refund_only"]),
        "missing_accessory": lambda: rng.choice(["reship", "compensation"]),
        "delivery_delay": lambda: rng.choice(["none", "cancel", "compensation"]),
        "lost_in_transit": lambda: rng.choice(["reship", "refund_only"]),
        "address_change": lambda: "modify_address",
        "not_as_described": lambda: rng.choice(["return_refund", "exchange"]),
        "expired": lambda: rng.choice(["refund_only", "return_refund"]),
    }.get(issue, lambda: rng.choice(["none", "refund_only", "compensation", "cancel"]))()
    req = {"type": request}
    if request in ("return_refund", "exchange", "repair") or (issue == "no_reason"):
        req["return_shipping_cents"] = rng.randint(800, 2500)
    case["request"] = req
    case["logistics"] = logistics

    if rng.random() < 1 / 200:  # a realistic gap: a field the backend did not have
        group = rng.choice(["order", "item", "request"])
        keys = [k for k in case[group] if k not in ("id",)]
        if keys:
            del case[group][rng.choice(keys)]
    return case


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--count", type=int, required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", default="-")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    out = sys.stdout if args.out == "-" else open(args.out, "w", encoding="utf-8", newline="\n")
    try:
        buf = []
        for n in range(1, args.count + 1):
            buf.append(json.dumps(one_case(rng, args.seed, n), ensure_ascii=False, separators=(",", ":")))
            if len(buf) >= 1000:
                out.write("\n".join(buf) + "\n")
                buf = []
        if buf:
            out.write("\n".join(buf) + "\n")
    finally:
        if out is not sys.stdout:
            out.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
