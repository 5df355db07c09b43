"""爱国卫生活动 and selections (绿色家庭, 星级楼道)."""
