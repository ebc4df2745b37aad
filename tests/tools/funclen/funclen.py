#!/usr/bin/env python3
"""Lists the C++ function bodies under the given folders, longest first.

usage: funclen.py [--over N] [--top K] DIR...

A function is a brace block whose opening brace follows a closing parenthesis (optionally
followed by const/override/noexcept/-> type/initializer list) at namespace or class level;
lambdas and blocks inside it count toward it. Length = lines from the signature's first line to
the closing brace. Comments and string literals are skipped. With --over N the exit code is 1
when any function is longer than N lines (for a check), 0 otherwise.
"""
import argparse
import os
import re
import sys

SCOPE_RE = re.compile(r'\b(namespace|class|struct|union|enum)\b[^()]*$')
NAME_RE = re.compile(r'([~A-Za-z_][\w:<>~]*)\s*\($')


def strip(text):
    """Blanks comments and string/char literals, keeping newlines (so line numbers stay)."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith('//', i):
            j = text.find('\n', i)
            j = n if j < 0 else j
            out.append(' ' * (j - i)); i = j
        elif text.startswith('/*', i):
            j = text.find('*/', i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r'[^\n]', ' ', text[i:j])); i = j
        elif text.startswith('R"', i):
            m = re.match(r'R"([^(]*)\(', text[i:])
            end = text.find(')' + m.group(1) + '"', i) if m else -1
            j = n if end < 0 else end + len(m.group(1)) + 2
            out.append(re.sub(r'[^\n]', ' ', text[i:j])); i = j
        elif c in '"\'':
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == '\\' else 1
            out.append(c + ' ' * (j - i - 1) + c); i = j + 1
        else:
            out.append(c); i += 1
    return ''.join(out)


def functions(path):
    text = strip(open(path, encoding='utf-8', errors='replace').read())
    stack = []       # kinds of the open blocks: 'scope', 'fn', 'other'
    starts = []      # (line, name) of the open function
    result = []
    last = 0         # index after the last ; { or }
    line = 1
    for i, c in enumerate(text):
        if c == '\n':
            line += 1
        elif c == '{':
            head = text[last:i]
            if 'fn' in stack:
                kind = 'other'
            elif SCOPE_RE.search(' '.join(head.split())):
                kind = 'scope'
            elif ')' in head and not re.search(r'=\s*$', head.strip()):
                kind = 'fn'
                sig = ' '.join(head.split())
                sig = sig[:sig.find('(') + 1] if '(' in sig else sig
                m = NAME_RE.search(sig)
                starts.append((line - head.strip('\n ').count('\n') if head.strip() else line,
                               m.group(1) if m else sig[:40]))
            else:
                kind = 'other'
            stack.append(kind)
            last = i + 1
        elif c == '}':
            kind = stack.pop() if stack else 'other'
            if kind == 'fn':
                start, name = starts.pop()
                result.append((line - start + 1, path, start, name))
            last = i + 1
        elif c == ';':
            last = i + 1
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--over', type=int, default=0)
    parser.add_argument('--top', type=int, default=20)
    parser.add_argument('dirs', nargs='+')
    args = parser.parse_args()
    found = []
    for d in args.dirs:
        for root, _, files in os.walk(d):
            for f in files:
                if f.endswith(('.cpp', '.h', '.cc', '.hpp')):
                    found.extend(functions(os.path.join(root, f)))
    found.sort(reverse=True)
    shown = [f for f in found if f[0] > args.over] if args.over else found[:args.top]
    for length, path, start, name in shown:
        print(f'{length:5d}  {path}:{start}  {name}')
    return 1 if args.over and shown else 0


if __name__ == '__main__':
    sys.exit(main())
