"""Responsibility holders: the supervising bodies and departments that record the lists a
unit does not record itself (监督责任, 职能监督责任), their unit scope and who records what."""
