"""关爱对象台账: the children and young people in care, with their categories (S3), guardian,
school, needs, level of attention and responsible person; entry from leads, exit at 18."""
