"""安全宣传活动: the campaigns of the safety calendar (安全生产月, 11.9, 12.2, 安康杯, 五进,
drills). The records, their attendance, materials and photos are core's activity records
(``core.activities``); safety keeps its vocabulary, its observances and the declaration."""
