"""Drive a Label Studio server through label-studio-sdk; run with the Label Studio venv's python.

  ls_client.py URL TOKEN create CONFIG.xml TASKS.json   -> {"project": id, "tasks": {doc: task id}}
  ls_client.py URL TOKEN predictions TASK_ID            -> [result, ...] of the task's predictions
  ls_client.py URL TOKEN annotate TASK_ID RESULT.json   -> {"annotation": id}
  ls_client.py URL TOKEN export PROJECT_ID OUT.json     -> {"tasks": n}
"""
import json
import sys


def main(argv):
    from label_studio_sdk import LabelStudio  # only in the Label Studio venv

    url, token, action, *rest = argv
    ls = LabelStudio(base_url=url, api_key=token)
    if action == "create":
        config, tasks_file = rest
        with open(config, encoding="utf-8") as f:
            project = ls.projects.create(title="kashcorpus integration", label_config=f.read())
        with open(tasks_file, encoding="utf-8") as f:
            tasks = json.load(f)
        ls.projects.import_tasks(id=project.id, request=tasks)
        ids = {t.data["doc"]: t.id for t in ls.tasks.list(project=project.id)}
        out = {"project": project.id, "tasks": ids}
    elif action == "predictions":
        (task_id,) = rest
        out = [p.result for p in ls.predictions.list(task=int(task_id))]
    elif action == "annotate":
        task_id, result_file = rest
        with open(result_file, encoding="utf-8") as f:
            result = json.load(f)
        ann = ls.annotations.create(id=int(task_id), result=result)
        out = {"annotation": ann.id}
    elif action == "export":
        project_id, out_file = rest
        data = ls.projects.exports.download_sync(int(project_id), export_type="JSON", download_all_tasks=True)
        if not isinstance(data, (bytes, str)):
            data = b"".join(data)
        if isinstance(data, str):
            data = data.encode("utf-8")
        with open(out_file, "wb") as f:
            f.write(data)
        out = {"tasks": len(json.loads(data))}
    else:
        raise SystemExit(f"unknown action {action!r}")
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1:])
