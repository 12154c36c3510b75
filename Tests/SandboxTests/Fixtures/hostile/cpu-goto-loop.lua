-- expect: cpuQuotaExceeded
-- A loop made of goto: no loop opcode, only jumps.
::top::
goto top
