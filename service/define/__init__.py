"""明责 (define): each leader's annual duty list (年度任务清单) and the rule packs."""
