# bash completion for epicsync                                  -*- shell-script -*-
# Installed as share/bash-completion/completions/epicsync.

_epicsync() {
  local cur prev
  cur=${COMP_WORDS[COMP_CWORD]}
  prev=${COMP_WORDS[COMP_CWORD-1]}
  case $prev in
    -m | -f | --markdown | --input)
      COMPREPLY=($(compgen -f -X '!*.md' -- "$cur") $(compgen -d -- "$cur"))
      return ;;
    --config | --import-backup | --plan-out | --apply)
      COMPREPLY=($(compgen -f -- "$cur"))
      return ;;
    --backup-dir)
      COMPREPLY=($(compgen -d -- "$cur"))
      return ;;
    -o | --output)
      COMPREPLY=($(compgen -W 'text json markdown' -- "$cur"))
      return ;;
    --phase)
      COMPREPLY=($(compgen -W 'all descriptions fields subtasks statuses comments' -- "$cur"))
      return ;;
    -e | --epic | --backup | --notes | --keep | --diff-backup | --restore-backup | --export-backup | --story | \
      --issue | --jira-url | --project | --timeout | --run)
      return ;;
  esac
  COMPREPLY=($(compgen -W '-h --help --version --validate -m -f --markdown --input --strict
    -o --output -q --quiet --no-color -e --epic -x --execute --dry-run --no-confirm --no-backup
    --update-source --prune --plan-out --apply --export-backup --import-backup --backup-dir --backup --notes --list-backups --cleanup-backups --keep
    --verify-backups --diff-latest --diff-backup --rollback --from-tracker --run --list-runs
    --restore-backup --force --story
    --pull --pull-comments
    --issue --phase -v --verbose --config --jira-url --project --timeout' -- "$cur"))
}
complete -F _epicsync epicsync
