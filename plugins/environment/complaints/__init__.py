"""环境诉求: residents' complaints on the 12345 pattern, with their deadlines."""
