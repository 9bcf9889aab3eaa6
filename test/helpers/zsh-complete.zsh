# zsh -f zsh-complete.zsh RC_FILE LINE: prints the completions an interactive zsh that sourced RC_FILE offers when
# TAB is pressed at the end of LINE, one per line. zsh completes only inside its line editor, so this drives a real
# interactive zsh on a pseudo-terminal (zsh/zpty) and records what the completion functions hand to compadd.
zmodload zsh/zpty || exit 3
zpty shell zsh -f -i
# A prompt of its own, so the reader knows when the line editor has the terminal (and keystrokes are no longer echoed
# or edited by the tty driver, as they are while the shell is still busy).
zpty -w shell "PROMPT='ZSH-PROMPT> ' RPROMPT=; source ${(q)1}"
# compadd as the completion system calls it, but each match it adds is also printed on a line of its own, "@@match".
# Calls that only filter or collect (-O, -A, -D) are the completion system's internals and pass through.
zpty -w shell 'compadd() { if (( ${@[(I)-[OAD]]} )); then builtin compadd "$@"; return; fi; local -a m; builtin compadd -O m "$@"; (( $#m )) && print -rl -- "" "@@"${^m}; builtin compadd "$@"; }'
# The markers are typed split by quotes, so only their output (not the echo of the line typed) matches.
zpty -w shell "bindkey '^I' complete-word; print -r -- RE''ADY"
local out line
# READY printed, then the next prompt: the line editor is reading.
zpty -r shell out '*READY*ZSH-PROMPT> ' || exit 4
zpty -w -n shell "$2"$'\t'
# Then the line is erased, never run, and a marker printed: everything compadd printed came before it.
zpty -w shell $'\C-u''print -r -- END-OF-''COMPLETIONS'
while zpty -r shell line; do
  [[ $line == *END-OF-COMPLETIONS* ]] && break
  [[ $line == @@* ]] && print -r -- ${${${line#@@}%$'\n'}%$'\r'}
done
zpty -d shell
