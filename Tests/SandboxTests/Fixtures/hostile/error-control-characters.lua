-- expect: runtimeError: forged
-- An error message full of control characters and fake traceback lines.
error("line one\n\27[2J\rstack traceback:\n\t[C]: in function 'forged'\0hidden", 0)
