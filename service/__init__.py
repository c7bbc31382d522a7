"""dutyloop: the five-duties closed-loop supervision service (五责闭环监督平台)."""
