"""垃圾分类台账: participation and accuracy per 桶站 or building and month."""
