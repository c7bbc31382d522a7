"""Time the unit importer on 5000 rows: `python bench/units_import.py` (URL=postgresql://... for PostgreSQL)."""
import os, sys, tempfile, time
sys.path.insert(0, os.getcwd())
sys.path.insert(0, os.path.join(os.getcwd(), "tests"))
from service.db import bind
from service.migrations import upgrade
from service.units.importer import analyse, apply
from units.files import xlsx_bytes, csv_bytes
url = os.environ.get("URL") or "sqlite:///" + tempfile.mkdtemp() + "/b.sqlite3"
db = bind(url)
upgrade(db)
rows = [[f"C{n:04d}", f"单位{n}", "镇", f"C{n//10:04d}" if n >= 10 else "", "项目建设", "征地补偿、工程招投标", n % 20, "否", "某某", "书记"] for n in range(5000)]
for name, data in (("xlsx", xlsx_bytes(rows)), ("csv", csv_bytes(rows))):
    t = time.perf_counter(); r = analyse(data, "b." + name); t1 = time.perf_counter() - t
    print(name, len(data), "bytes; analyse (5000 new rows):", round(t1, 2), "s", r.ok)
t = time.perf_counter(); print(apply(r)); print("apply 5000 creates:", round(time.perf_counter() - t, 2), "s")
t = time.perf_counter(); r = analyse(data, "b.csv"); print("re-analyse (all unchanged):", round(time.perf_counter() - t, 2), "s", r.counts())
