"""网吧/游戏厅巡查: checks of the registry's internet cafés and entertainment venues against
core's scored checklist (接纳未成年人, 禁入标志, 实名登记, 营业时间). The community has no power
to rectify: a failed item is referred (移交文化市场执法) within 2 working days."""
