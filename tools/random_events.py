#!/usr/bin/env python3
"""Writes a scenario with N random events (valid and invalid) on the bundled agency portfolio.

Usage: tools/random_events.py SEED N [TIMEZONE] > scenario.json

For differential checks of `handoff run --keep-going` between two builds (tools/compare_run.sh):
every event type, random actors (some unauthorized), SLA policies with multi-level and
zero-minute escalations and warnings at 100%, and a digest half of the time. Deterministic for a
seed.
"""
import datetime
import json
import os
import random
import sys

seed = int(sys.argv[1]); n = int(sys.argv[2]); tz = sys.argv[3] if len(sys.argv) > 3 else "+08:00"
rng = random.Random(seed)
here = os.path.dirname(os.path.abspath(__file__))
d = json.load(open(os.path.join(here, '..', 'examples', 'scenarios', 'agency.json')))
d['calendar']['timezone']=tz
d['sla_policies']=[
 {"name":"urgent","match":{"kinds":["complaint","bug"],"priorities":["urgent","high"]},"first_response_minutes":60,"resolution_minutes":600,"warn_at_percent":rng.choice([50,80,100]),
  "escalation":[{"after_minutes":30,"to":"zhao.lead"},{"after_minutes":rng.choice([10,120]),"to":"liu.lead"},{"after_minutes":240,"to":"zhao.lead"}]},
 {"name":"gold","match":{"tiers":["gold"]},"first_response_minutes":240,"warn_at_percent":75,"escalation":[{"after_minutes":0,"to":"liu.lead"}]},
 {"name":"standard","first_response_minutes":480,"resolution_minutes":2400,"warn_at_percent":80,"escalation":[{"after_minutes":480,"to":"zhao.lead"}]}]
if rng.random()<0.5: d['routing']={"digests":[{"to":"chen.ae","window_minutes":rng.choice([30,60,240])}]}
people=[p['id'] for p in d['people']]
pm_of={p['id']:p['pm'] for p in d['projects']}
acct_of={p['id']:p['account'] for p in d['projects']}
ae_of={a['id']:a['ae'] for a in d['accounts']}
ms={p['id']:[m['id'] for m in p['milestones']] for p in d['projects']}
projects=list(ms)
t=datetime.datetime(2027,1,4,8,0)
fb=[];risks=[];ev=[];nm=0
def who(p):
    r=rng.random()
    if r<0.85: return None
    return rng.choice(people)
for i in range(n):
    t+=datetime.timedelta(seconds=rng.choice([rng.randint(0,900),rng.randint(0,4*3600),rng.randint(0,20*3600)]) if rng.random()<0.9 else 0)
    at=t.strftime("%Y-%m-%dT%H:%M:%S")+("+08:00" if tz=="+08:00" else "Z")
    p=rng.choice(projects); pm=pm_of[p]; ae=ae_of[acct_of[p]]
    k=rng.random()
    e={"at":at}
    if k<0.15:
        fid="F%d"%len(fb); fb.append(p)
        e.update(by=ae,type="log_feedback",id=fid,project=p,kind=rng.choice(["complaint","change_request","question","bug","praise"]),channel=rng.choice(["meeting","phone","email","im"]),priority=rng.choice(["low","normal","high","urgent"]),text="t%d"%i)
        if rng.random()<0.5: e["milestone"]=rng.choice(ms[p])
    elif k<0.55 and fb:
        j=rng.randrange(len(fb)); p=fb[j]; pm=pm_of[p]; ae=ae_of[acct_of[p]]; f="F%d"%j
        c=rng.random()
        if c<0.2: e.update(by=pm,type="respond_feedback",feedback=f,text="r")
        elif c<0.5: e.update(by=pm,type="set_feedback_state",feedback=f,state=rng.choice(["in_progress","waiting_on_customer","resolved"]),text="s" if rng.random()<0.5 else "")
        elif c<0.6: e.update(by=ae,type="customer_replied",feedback=f,text="c")
        elif c<0.72: e.update(by=ae,type="confirm_resolution",feedback=f)
        elif c<0.8: e.update(by=ae,type="reopen_feedback",feedback=f,text="again")
        elif c<0.9: e.update(by=rng.choice([ae,pm]),type="set_feedback_priority",feedback=f,priority=rng.choice(["low","normal","high","urgent"]))
        else:
            m=rng.choice(ms[p]); e.update(by=pm,type="accept_change",feedback=f,durations=[{"milestone":m,"duration_days":rng.randint(0,12)}],text="x")
            if rng.random()<0.4:
                nm+=1; nid="%s.N%d"%(p,nm); e["new_milestones"]=[{"id":nid,"name":"n","duration_days":rng.randint(0,5),"customer_visible":rng.random()<0.6,"depends_on":[{"id":rng.choice(ms[p]),"lag_days":rng.randint(0,2)}]}]
                e["_new"]=nid
    elif k<0.75:
        m=rng.choice(ms[p]); st=rng.choice(["not_started","in_progress","in_progress","done","blocked"])
        e.update(by=pm,type="update_milestone",milestone=m,status=st)
        if st=="in_progress" and rng.random()<0.7: e["remaining_days"]=rng.randint(0,15)
        if rng.random()<0.5: e["percent"]=rng.randint(0,100)
    elif k<0.82:
        if risks and rng.random()<0.5:
            j=rng.randrange(len(risks)); e.update(by=pm_of[risks[j]],type="close_risk",risk="R%d"%j,text="" if rng.random()<0.5 else "closed")
        else:
            rid="R%d"%len(risks); risks.append(p)
            allm=[m for q in projects for m in ms[q]]
            e.update(by=pm,type="raise_risk",id=rid,project=p,milestones=rng.sample(allm,rng.randint(1,3)),severity=rng.choice(["low","medium","high"]),text="risk %d"%i)
    elif k<0.86:
        h=rng.choice([None,"green","amber","red"]); e.update(by=pm,type="set_health",project=p)
        e["health"]=h
        if h: e["reason"]=rng.choice(["a","b"])
    elif k<0.88: e.update(by=pm,type="set_baseline",project=p)
    elif k<0.95: e.update(by=rng.choice(people),type="tick")
    elif k<0.96: e.update(by=pm,type="record_cost",project=p,planned=rng.randint(0,100),actual=rng.randint(0,100))
    elif k<0.97: e.update(by=ae,type="record_csat",project=p,score=rng.randint(1,5))
    elif k<0.98: e.update(by=ae,type="log_touchpoint",account=acct_of[p],channel="phone")
    elif k<0.99: e.update(by=ae,type="log_opportunity",id="O%d"%i,account=acct_of[p],amount=rng.randint(0,1000))
    elif rng.random()<0.1: e.update(by=pm,type="close_project",project=p,lessons="l")
    else: e.update(by=pm,type="tick")
    w=who(p)
    if w and e.get("type")!="tick": e["by"]=w
    if "type" not in e: e.update(by=pm,type="tick")
    if "_new" in e:
        nid=e.pop("_new"); ms[p].append(nid)
    ev.append(e)
d['events']=ev
json.dump(d,sys.stdout)
