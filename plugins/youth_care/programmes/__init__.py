"""假期与课后项目: 寒假 (缤纷冬日), 暑假 (七彩夏日), 四点半课堂, 周末课堂, 读书活动 — each with
its dates, opening pattern, venue, capacity, the children enrolled (with the guardian's consent)
and the attendance of every session."""
