# fish completion for epicsync; installed as share/fish/vendor_completions.d/epicsync.fish.
complete -c epicsync -f
complete -c epicsync -s h -l help -d 'Print the help and exit'
complete -c epicsync -l version -d 'Print the version and the git revision'
complete -c epicsync -l validate -d 'Parse the epic file and report what it describes'
complete -c epicsync -s m -s f -l markdown -l input -r -F -d 'The epic markdown file'
complete -c epicsync -l strict -d 'Treat warnings as errors'
complete -c epicsync -s o -l output -x -a 'text json markdown' -d 'Output format'
complete -c epicsync -s q -l quiet -d 'Print only problems and the summary line'
complete -c epicsync -l no-color -d 'No ANSI colour'
complete -c epicsync -s e -l epic -x -d "The epic's tracker key"
complete -c epicsync -s x -l execute -d 'Apply the plan after a backup and a confirmation'
complete -c epicsync -l dry-run -d 'Only show the plan, even with --execute'
complete -c epicsync -l no-confirm -d 'Do not ask before writing'
complete -c epicsync -l no-backup -d 'Skip the pre-execute backup'
complete -c epicsync -l update-source -d "Write the stories' and sub-tasks' tracker keys into the file"
complete -c epicsync -l prune -d "Close (or delete) the issues the file no longer has"
complete -c epicsync -l plan-out -r -F -d "Save the dry run's plan, to review and apply"
complete -c epicsync -l apply -r -F -d "Apply exactly a saved plan (exit 11 when stale)"
complete -c epicsync -l export-backup -r -d "Write a backup as one checksummed file"
complete -c epicsync -l import-backup -r -F -d "Add an exported backup to this store"
complete -c epicsync -l backup-dir -x -a '(__fish_complete_directories)' -d 'Where backups live'
complete -c epicsync -l backup -x -d 'Take a named manual backup of --epic now'
complete -c epicsync -l notes -x -d 'Notes stored with --backup'
complete -c epicsync -l list-backups -d 'List the backups'
complete -c epicsync -l cleanup-backups -d 'Remove old automatic backups'
complete -c epicsync -l keep -x -d 'How many backups --cleanup-backups keeps'
complete -c epicsync -l verify-backups -d "Check every backup's checksums and files"
complete -c epicsync -l diff-latest -d 'Show what changed since the latest backup'
complete -c epicsync -l diff-backup -x -d 'Show what changed since this backup'
complete -c epicsync -l from-tracker -d "With --rollback: from Jira's changelog"
complete -c epicsync -l run -x -d 'With --rollback: the run to undo'
complete -c epicsync -l list-runs -d 'List the runs that wrote to --epic'
complete -c epicsync -l rollback -d 'Preview undoing the last sync'
complete -c epicsync -l pull -d 'Write the epic from the tracker as the markdown file'
complete -c epicsync -l pull-comments -d 'With --pull, write the comments too'
complete -c epicsync -l restore-backup -x -d 'Preview bringing the epic back to this backup'
complete -c epicsync -l force -d 'Overwrite changes others made since'
complete -c epicsync -l story -x -d 'Limit the run to this story'
complete -c epicsync -l issue -x -d 'Limit a rollback or restore to this issue'
complete -c epicsync -l phase -x -a 'all descriptions fields subtasks statuses comments' -d 'Limit the sync to one phase'
complete -c epicsync -s v -l verbose -d 'Show the configuration and every request'
complete -c epicsync -l config -r -F -d 'A config file instead of the default search'
complete -c epicsync -l jira-url -x -d 'The tracker URL'
complete -c epicsync -l project -x -d 'The project key'
complete -c epicsync -l timeout -x -d 'Seconds one attempt of a request may take'
