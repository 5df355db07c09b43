"""三项岗位人员名册: the key-post staff on duty at each enterprise and their certificates, from
which 持证上岗率 (the share on duty with a valid certificate) is computed."""
