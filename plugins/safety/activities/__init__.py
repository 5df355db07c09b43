"""安全宣传活动: the campaigns of the safety calendar (安全生产月, 11.9, 12.2, 安康杯, 五进,
drills) with their photos."""
