"""环境卫生检查: rounds of areas scored on core's versioned checklists."""
