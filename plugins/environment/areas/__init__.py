"""卫生责任区 / 检查点位: the places the community keeps clean and inspects."""
