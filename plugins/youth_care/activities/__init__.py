"""Activities of the 关工委 and the parents' school (父母学校): core's activity records with the
module's kinds — the school's three steps (家庭教育调查 → 专题讲座 → 咨询活动), 七一 文艺汇演, 五四,
六一, 法制课, 防溺水, 为未成年人办实事 — and the observances of its calendar."""
