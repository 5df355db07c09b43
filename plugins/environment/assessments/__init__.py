"""物业服务考核: the street's joint team assesses each property company twice a year."""
