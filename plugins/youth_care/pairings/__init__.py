"""结对帮扶: a child paired with a 五老 or volunteer (一帮一) or a partner unit (共建单位), with its
contact frequency, goal and outcome; proposed by a worker, approved by the community admin."""
